package io.partnerka.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * TelegramBots' OkHttp client, with the JSON methods (sendMessage, editMessageText, answerCallbackQuery...) called on
 * the caller's thread. TelegramBots makes {@code execute} an {@code executeAsync().get()}: every call handed to
 * OkHttp's dispatcher thread and its answer handed back, which cost the sender about a fifth of a core at 1,200 calls
 * a second. The request, the answer and the exceptions are TelegramBots' own (the same URL, body and
 * {@code deserializeResponse}). Files and {@code executeAsync} keep the inherited asynchronous path: the answers to
 * button presses use it so that no worker waits for them.
 */
class SynchronousTelegramClient extends OkHttpTelegramClient {

    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient http;
    private final ObjectMapper json;
    private final HttpUrl bot;

    SynchronousTelegramClient(ObjectMapper json, OkHttpClient http, String token, TelegramUrl url) {
        super(json, http, token, url);
        this.http = http;
        this.json = json;
        HttpUrl.Builder bot = new HttpUrl.Builder().scheme(url.getSchema()).host(url.getHost()).port(url.getPort())
                .addPathSegment("bot" + token);
        if (url.isTestServer()) bot.addPathSegment("test");
        this.bot = bot.build();
    }

    @Override
    public <T extends Serializable, Method extends BotApiMethod<T>> T execute(Method method) throws TelegramApiException {
        if (method == null) throw new TelegramApiException("Parameter method can not be null");
        method.validate();
        Request request;
        try {
            request = new Request.Builder().url(bot.newBuilder().addPathSegment(method.getMethod()).build())
                    .header("charset", "UTF-8")
                    .post(RequestBody.create(json.writeValueAsString(method), JSON)).build();
        } catch (IOException e) {
            throw new TelegramApiException("Unable to execute " + method.getMethod() + " method", e);
        }
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            if (body == null) throw new TelegramApiException("Telegram api returned empty response");
            return method.deserializeResponse(body.string());
        } catch (IOException e) {
            throw new TelegramApiException("Unable to execute " + method.getMethod() + " method", e);
        }
    }
}
