package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** The Bot API client's JSON calls on the caller's thread, answered and failing as TelegramBots' own client does. */
class SynchronousTelegramClientTests {

    private FakeBotApi api;
    private OkHttpClient http;
    private final List<String> callingThreads = new CopyOnWriteArrayList<>();
    private SynchronousTelegramClient client;

    @BeforeEach
    void start() {
        api = FakeBotApi.start();
        // an application interceptor runs on the thread that makes the call: OkHttp's dispatcher for an asynchronous one
        http = new OkHttpClient.Builder().readTimeout(2, TimeUnit.SECONDS)
                .addInterceptor(chain -> {
                    callingThreads.add(Thread.currentThread().getName());
                    return chain.proceed(chain.request());
                }).build();
        client = new SynchronousTelegramClient(new ObjectMapper(), http, FakeBotApi.TOKEN, TelegramApiConfiguration.parse(api.url()));
    }

    @AfterEach
    void stop() {
        api.close();
        http.dispatcher().executorService().shutdown();
    }

    @Test
    void aMessageIsSentOnTheCallersThreadAndItsAnswerRead() throws Exception {
        Message sent = client.execute(SendMessage.builder().chatId(77L).text("Привет, <b>мир</b>").parseMode("HTML").build());

        assertThat(sent.getMessageId()).isPositive();
        assertThat(callingThreads).containsExactly(Thread.currentThread().getName());
        FakeBotApi.Call call = api.calls("sendMessage").get(0);
        assertThat(call.chatId()).isEqualTo(77L);
        assertThat(call.text()).isEqualTo("Привет, <b>мир</b>");
        assertThat(call.param("parse_mode")).isEqualTo("HTML");
    }

    @Test
    void refusalsAreTelegramsOwnExceptionsWithTheirCodeAndRetryAfter() {
        api.failNext("sendMessage", c -> true, FakeBotApi.tooManyRequests(7));
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(77L).text("hi").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(429);
                    assertThat(e.getParameters().getRetryAfter()).isEqualTo(7);
                });
        assertThat(Failures.classify(catchFailure(() -> client.execute(SendMessage.builder().chatId(77L).text("hi").build()),
                FakeBotApi.forbidden())).is(403)).isTrue();
    }

    @Test
    void aNetworkFailureIsATelegramApiExceptionWithoutACode() {
        api.slowNext("answerCallbackQuery", c -> true, 1, Duration.ofSeconds(4));
        assertThatThrownBy(() -> client.execute(AnswerCallbackQuery.builder().callbackQueryId("q1").build()))
                .isInstanceOf(TelegramApiException.class)
                .satisfies(e -> assertThat(Failures.classify(e).code()).isNull());
    }

    private Throwable catchFailure(ThrowingCall call, FakeBotApi.Response response) {
        api.failNext("sendMessage", c -> true, response);
        try {
            call.run();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("the call did not fail");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }
}
