package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.telegram.FakeBotApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drill "a huge webhook body": the app in webhook mode as its own JVM with a 256 MB heap gets 300 MB bodies, made up
 * on the fly and streamed (never held by the test): without the secret header 401, with a wrong secret 403, with the
 * right one 413, whether the length is declared or the body is chunked. Reading any of them in full would not fit the
 * heap; afterwards the app is alive, healthy, and answers a real update.
 */
class WebhookBodyDrillTests {

    private static final Logger log = LoggerFactory.getLogger(WebhookBodyDrillTests.class);
    private static final String SECRET = "drill-webhook-Secret_7";
    private static final long HUGE = 300L * 1024 * 1024;
    private static final String HEALTH_UP = "\"status\":\"UP\"";

    private static EmbeddedPostgres postgres;
    private static FakeBotApi api;
    private static AppProcess app;
    private static int port;
    private static long logStart; // the log file is appended to by every run
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        api = FakeBotApi.start();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        java.nio.file.Path logFile = java.nio.file.Path.of("target", "drills", "webhook-body-drill.log");
        logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        app = AppProcess.start("webhook-body-drill", List.of("-Xmx256m"), Map.of(
                        "TELEGRAM_BOT_TOKEN", FakeBotApi.TOKEN,
                        "TELEGRAM_API_URL", api.url(),
                        "TELEGRAM_WEBHOOK_URL", "https://bot.example.com/telegram/webhook",
                        "TELEGRAM_WEBHOOK_SECRET", SECRET,
                        "PARTNERKA_REQUISITES_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                        "SPRING_DATASOURCE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                        "SPRING_DATASOURCE_USERNAME", "postgres",
                        "PORT", String.valueOf(port)),
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.io.partnerka=INFO");
        awaitHealthy(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) app.close();
        if (api != null) api.close();
        if (postgres != null) postgres.close();
    }

    @Test
    void threeHundredMegabytes_refusedWithoutBeingRead_andTheAppStaysHealthy() throws Exception {
        long rssBefore = rssKiB();

        assertThat(post(null, false).statusCode()).as("no secret header").isEqualTo(401);
        assertThat(post("wrong-secret", false).statusCode()).as("a wrong secret").isEqualTo(403);
        assertThat(post(SECRET, false).statusCode()).as("the right secret, chunked").isEqualTo(413);
        assertThat(post(SECRET, true).statusCode()).as("the right secret, Content-Length 300 MB").isEqualTo(413);
        assertThat(post(null, true).statusCode()).as("no secret header, Content-Length 300 MB").isEqualTo(401);

        assertThat(app.alive()).isTrue();
        assertThat(get("/actuator/health").body()).contains(HEALTH_UP);
        long chat = 7_300_001;
        HttpResponse<String> update = http.send(webhook(SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(FakeBotApi.textUpdate(9_000_001, chat, "/help").toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("Commands");
        long rssAfter = rssKiB();
        // for the record only: the proof is the 256 MB heap cap, under which reading one 300 MB body would fail
        log.info("Child JVM resident memory: {} MiB before, {} MiB after 1.5 GB of refused bodies", rssBefore / 1024, rssAfter / 1024);
        byte[] logged = Files.readAllBytes(app.log());
        assertThat(new String(logged, (int) logStart, logged.length - (int) logStart)).doesNotContain("OutOfMemoryError");
    }

    private static HttpResponse<String> post(String secret, boolean declareLength) throws Exception {
        HttpRequest.BodyPublisher streamed = HttpRequest.BodyPublishers.ofInputStream(() -> new Filler(HUGE));
        HttpRequest.Builder request = webhook(secret)
                .POST(declareLength ? HttpRequest.BodyPublishers.fromPublisher(streamed, HUGE) : streamed);
        Instant start = Instant.now();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        log.info("300 MB ({}) with {} secret: {} after {} ms", declareLength ? "Content-Length" : "chunked",
                secret == null ? "no" : SECRET.equals(secret) ? "the right" : "a wrong", response.statusCode(),
                Duration.between(start, Instant.now()).toMillis());
        return response;
    }

    private static HttpRequest.Builder webhook(String secret) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/telegram/webhook"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        if (secret != null) b.header("X-Telegram-Bot-Api-Secret-Token", secret);
        return b;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitHealthy(Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (Instant.now().isBefore(until)) {
            if (!app.alive()) throw new AssertionError("the app died at start; see " + app.log());
            try {
                if (get("/actuator/health").body().contains(HEALTH_UP)) return;
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the app did not become healthy within " + timeout + "; see " + app.log());
    }

    /** VmRSS of the child process (Linux); 0 where /proc is not there. */
    private static long rssKiB() throws Exception {
        var status = java.nio.file.Path.of("/proc", String.valueOf(app.pid()), "status");
        if (!Files.exists(status)) return 0;
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }

    /** {@code n} bytes of JSON whitespace, made as they are read. */
    private static final class Filler extends InputStream {
        private long left;

        Filler(long n) {
            this.left = n;
        }

        @Override
        public int read() {
            if (left <= 0) return -1;
            left--;
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) ' ');
            left -= n;
            return n;
        }
    }
}
