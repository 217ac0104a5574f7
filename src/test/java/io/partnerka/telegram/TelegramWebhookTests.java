package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.PartnerkaTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Webhook mode: Telegram posts updates to us with the secret it was given; anyone else is refused. */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TelegramWebhookTests {

    static final FakeBotApi api = FakeBotApi.start();
    static final String SECRET = "webhook-Secret_42";
    static final String PUBLIC_URL = "https://bot.example.com/telegram/webhook";
    private static final AtomicLong updateIds = new AtomicLong(50_000);
    private static final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry registry) {
        registry.add("partnerka.telegram.token", () -> FakeBotApi.TOKEN);
        registry.add("partnerka.telegram.api-url", api::url);
        registry.add("partnerka.telegram.webhook-url", () -> PUBLIC_URL);
        registry.add("partnerka.telegram.webhook-secret", () -> SECRET);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void theWebhookIsRegisteredWithItsSecret_andNothingPolls() {
        FakeBotApi.Call call = api.awaitCalls("setWebhook", c -> true, 1, Duration.ofSeconds(10)).get(0);
        assertThat(call.param("url")).isEqualTo(PUBLIC_URL);
        assertThat(call.param("secret_token")).isEqualTo(SECRET);
        assertThat(api.calls("getUpdates")).isEmpty();
        assertThat(api.calls("deleteWebhook")).isEmpty();
    }

    @Test
    void anUpdateWithTheRightSecretIsAnswered() throws Exception {
        long chat = 2001;
        HttpResponse<String> response = post(FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, "/help"), SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");
    }

    @Test
    void aPostedButtonPressIsAnsweredWithoutAnOutboxRow() throws Exception {
        long chat = 2010;
        assertThat(post(FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, "/language"), SECRET).statusCode()).isEqualTo(200);
        String english = null;
        for (var row : api.awaitCalls("sendMessage", chat, 1).get(0).json("reply_markup").path("inline_keyboard")) {
            if (row.get(0).path("callback_data").asText().startsWith("lang:en")) english = row.get(0).path("callback_data").asText();
        }
        long press = updateIds.incrementAndGet();
        assertThat(post(FakeBotApi.callbackUpdate(press, chat, english, 1), SECRET).statusCode()).isEqualTo(200);

        api.awaitCalls("answerCallbackQuery", c -> ("cbq" + press).equals(c.param("callback_query_id")), 1, Duration.ofSeconds(10));
        assertThat(api.awaitCalls("sendMessage", chat, 2).get(1).text()).isEqualTo("Done, I will speak English now.");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'type' = 'callback-answer'")
                .param(chat).query(Long.class).single()).isZero();
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        long updateId = updateIds.incrementAndGet();
        HttpResponse<String> response = post(FakeBotApi.textUpdate(updateId, 2002, "/help"), "guess");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(inboxRows(updateId)).isZero();
    }

    @Test
    void aMissingSecretIsRefused() throws Exception {
        long updateId = updateIds.incrementAndGet();
        HttpResponse<String> response = post(FakeBotApi.textUpdate(updateId, 2003, "/help"), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(inboxRows(updateId)).isZero();
    }

    @Test
    void aRedeliveredUpdateIsAnsweredOnce() throws Exception {
        long chat = 2004;
        ObjectNode update = FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, "/menu");
        assertThat(post(update, SECRET).statusCode()).isEqualTo(200);
        assertThat(post(update, SECRET).statusCode()).isEqualTo(200);

        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).startsWith("Main menu");
        Thread.sleep(500);
        assertThat(api.calls("sendMessage", chat)).hasSize(1);
    }

    @Test
    void postsArrivingWhileAnotherIsStoredAreCommittedTogether() throws Exception {
        long held = 2100;
        assertThat(post(FakeBotApi.textUpdate(updateIds.incrementAndGet(), held, "/help"), SECRET).statusCode()).isEqualTo(200);
        api.awaitCalls("sendMessage", held, 1);
        List<Long> others = new ArrayList<>();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("SELECT 1 FROM chat WHERE chat_id = " + held + " FOR UPDATE");
            // this post is being stored (its chat's lock is waited for) while the others arrive: they wait for it
            var first = postAsync(FakeBotApi.textUpdate(updateIds.incrementAndGet(), held, "/menu"));
            Thread.sleep(150);
            List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
            for (long chat = held + 1; chat <= held + 24; chat++) {
                long id = updateIds.incrementAndGet();
                others.add(id);
                posts.add(postAsync(FakeBotApi.textUpdate(id, chat, "/help")));
            }
            for (var response : posts) assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            lock.rollback();
        }
        Long[] ids = others.toArray(Long[]::new);
        assertThat(jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE update_id = ANY(?) AND processed_at IS NOT NULL")
                .param(ids).query(Long.class).single()).isEqualTo(24);
        assertThat(jdbc.sql("SELECT count(DISTINCT processed_at) FROM telegram_inbox WHERE update_id = ANY(?)")
                .param(ids).query(Long.class).single()).as("stored as one answer: a commit a worker").isLessThanOrEqualTo(8);
        for (long chat = held + 1; chat <= held + 24; chat++) {
            assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");
        }
        assertThat(api.awaitCalls("sendMessage", held, 2).get(1).text()).startsWith("Main menu");
    }

    @Test
    void somethingThatIsNotAnUpdateIsABadRequest() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                .header("Content-Type", "application/json").header(WebhookController.SECRET_HEADER, SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("[1, 2, 3]")).build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    @Test
    void withoutAConfiguredSecretOneIsDerivedFromTheToken() {
        TelegramProperties bare = new TelegramProperties(FakeBotApi.TOKEN, null, PUBLIC_URL, "", 8, null, null, null,
                null, null, null, null, true, 0);
        TelegramProperties otherBot = new TelegramProperties("654321:another-token-entirely-000000", null, PUBLIC_URL,
                null, 8, null, null, null, null, null, null, null, true, 0);
        WebhookSecret derived = WebhookSecret.of(bare);
        assertThat(derived.value()).matches("[A-Za-z0-9_-]{20,256}").doesNotContain(FakeBotApi.TOKEN);
        assertThat(WebhookSecret.of(bare).value()).as("the same on every instance").isEqualTo(derived.value());
        assertThat(WebhookSecret.of(otherBot).value()).isNotEqualTo(derived.value());
        assertThat(derived.matches(null)).isFalse();
    }

    private HttpResponse<String> post(ObjectNode update, String secret) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(update.toString()));
        if (secret != null) request.header(WebhookController.SECRET_HEADER, secret);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(ObjectNode update) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                .header("Content-Type", "application/json").header(WebhookController.SECRET_HEADER, SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(update.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long inboxRows(long updateId) {
        return jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE update_id = ?").param(updateId).query(Long.class).single();
    }
}
