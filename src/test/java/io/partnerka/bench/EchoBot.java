package io.partnerka.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.util.DefaultGetUpdatesGenerator;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The ceiling: the same server and client stack as the bot (TelegramBots long polling, OkHttpTelegramClient) with
 * nothing in between: each update is answered by one sendMessage, on as many threads as the bot's sender has calls
 * in flight. No database, no state. Run as a JVM of its own: {@code EchoBot <api-url> <threads>}.
 */
public final class EchoBot {

    private EchoBot() {
    }

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        TelegramUrl url = new TelegramUrl(api.getScheme(), api.getHost(), api.getPort(), false);
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS).build();
        http.dispatcher().setMaxRequestsPerHost(Math.max(5, threads));
        TelegramClient client = new OkHttpTelegramClient(http, BotApiServer.TOKEN, url);
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        TelegramBotsLongPollingApplication app = new TelegramBotsLongPollingApplication(ObjectMapper::new,
                () -> new OkHttpClient.Builder().readTimeout(75, TimeUnit.SECONDS).build());
        app.registerBot(BotApiServer.TOKEN, () -> url, new DefaultGetUpdatesGenerator(List.of("message", "callback_query")),
                (List<Update> updates) -> {
                    for (Update u : updates) {
                        if (!u.hasMessage()) continue;
                        senders.execute(() -> {
                            try {
                                client.execute(SendMessage.builder().chatId(u.getMessage().getChatId())
                                        .text(u.getMessage().getText() == null ? "?" : u.getMessage().getText()).build());
                            } catch (Exception e) {
                                System.err.println("echo failed: " + e);
                            }
                        });
                    }
                });
        System.out.println("ECHO READY");
        Thread.currentThread().join();
    }
}
