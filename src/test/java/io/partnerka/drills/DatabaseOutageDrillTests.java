package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaApplication;
import io.partnerka.telegram.FakeBotApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drill "PostgreSQL away for 30 s under load": the app reaches its database through a TCP proxy the drill controls.
 * People keep writing (by long polling) before, during and after the proxy drops every connection and refuses new
 * ones for 30 s (-Ddrill.outage.seconds=N to change). Meanwhile the bot must say nothing wrong (no "something went
 * wrong", no half-done answer); afterwards it must recover by itself — no restart, no operator — and answer every
 * update once, in each chat's order.
 */
class DatabaseOutageDrillTests {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutageDrillTests.class);
    static final long FIRST_CHAT = 6_300_000;
    static final int CHATS = 10;
    static final String[] SCRIPT = {"/help", "/menu", "/language", "/cancel"};
    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("drill.outage.seconds", 30));
    private static EmbeddedPostgres postgres;
    private static TcpProxy proxy;
    private static FakeBotApi api;
    private static ConfigurableApplicationContext app;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "100").start();
        proxy = new TcpProxy(postgres.getPort());
        jdbc = JdbcClient.create(postgres.getPostgresDatabase()); // the drill's own view, not through the proxy
        api = FakeBotApi.start();
        api.longPoll(Duration.ofMillis(200));
        app = new SpringApplicationBuilder(PartnerkaApplication.class).run(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                "--spring.datasource.username=postgres",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--partnerka.requisites.key=" + AppProcess.TEST_REQUISITES_KEY,
                "--partnerka.telegram.token=" + FakeBotApi.TOKEN,
                "--partnerka.telegram.api-url=" + api.url(),
                "--partnerka.telegram.rate.enabled=false",
                "--partnerka.telegram.sweep-interval=500ms",
                // not the name of the test contexts this JVM keeps open: Quartz shares data sources by name
                "--spring.quartz.scheduler-name=outage-drill");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) app.close();
        if (api != null) api.close();
        if (proxy != null) proxy.close();
        if (postgres != null) postgres.close();
    }

    @Test
    void theDatabaseGoesAwayFor30sUnderLoad_theBotSaysNothingWrongAndRecoversByItself() throws Exception {
        List<Long> sent = new ArrayList<>();
        long[] nextId = {40_000_000};
        int[] step = {0};
        Runnable tick = () -> {
            long chat = FIRST_CHAT + step[0] % CHATS;
            String command = SCRIPT[(step[0] / CHATS) % SCRIPT.length];
            api.queueUpdates(FakeBotApi.textUpdate(nextId[0], chat, command));
            sent.add(nextId[0]);
            nextId[0]++;
            step[0]++;
        };

        feed(tick, Duration.ofSeconds(4));
        awaitUntil(() -> api.answered("sendMessage").size() >= 10, Duration.ofSeconds(30), "the first replies");

        Instant cutAt = Instant.now();
        proxy.cut();
        log.info("Database connections dropped; refusing new ones for {} s while updates keep coming", OUTAGE.toSeconds());
        int answeredAtCut = api.answered("sendMessage").size();
        feed(tick, OUTAGE);
        proxy.restore();
        Instant restoredAt = Instant.now();
        int answeredDuringOutage = api.answered("sendMessage").size() - answeredAtCut;
        log.info("Database reachable again; {} replies went out during the outage (already decided before it)", answeredDuringOutage);
        feed(tick, Duration.ofSeconds(4));

        int total = sent.size();
        awaitUntil(() -> count("SELECT count(*) FROM telegram_inbox WHERE processed_at IS NOT NULL") >= total
                && count("SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')") == 0
                && api.unconfirmedUpdates() == 0, Duration.ofSeconds(75), "recovery: every update answered");
        Duration recovery = Duration.between(restoredAt, Instant.now());
        Thread.sleep(500);

        assertThat(count("SELECT count(*) FROM telegram_inbox")).as("no update lost").isEqualTo(total);
        assertThat(count("SELECT count(*) FROM outbox")).as("one reply per update: none processed twice").isEqualTo(total);
        assertThat(count("SELECT count(*) FROM outbox WHERE status <> 'SENT'")).isZero();
        List<FakeBotApi.Call> answered = api.answered("sendMessage");
        assertThat(answered).as("nothing wrong said at any time")
                .noneMatch(c -> c.text().contains("Something went wrong") || c.text().contains("Что-то пошло не так"));
        Map<Long, List<String>> byChat = answered.stream().collect(Collectors.groupingBy(FakeBotApi.Call::chatId,
                Collectors.mapping(c -> Replies.commandOf(c.text()), Collectors.toList())));
        for (long chat = FIRST_CHAT; chat < FIRST_CHAT + CHATS; chat++) {
            List<String> expected = new ArrayList<>();
            for (int i = (int) (chat - FIRST_CHAT); i < total; i += CHATS) expected.add(SCRIPT[(i / CHATS) % SCRIPT.length]);
            assertThat(byChat.get(chat)).as("chat %d: every reply once, in order", chat).isEqualTo(expected);
        }
        log.info("Outage drill: {} updates (about {} during the {} s outage), all answered once and in order; recovered {} ms "
                        + "after the database came back (cut at {})", total, (int) (OUTAGE.toMillis() / 100), OUTAGE.toSeconds(),
                recovery.toMillis(), cutAt);
        assertThat(recovery).as("recovers by itself, promptly").isLessThan(Duration.ofSeconds(60));
    }

    /** One update every 100 ms for this long. */
    private static void feed(Runnable tick, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            tick.run();
            Thread.sleep(100);
        }
    }

    private static long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static void awaitUntil(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + timeout + "; inbox "
                        + jdbc.sql("SELECT count(*) FILTER (WHERE processed_at IS NOT NULL) || '/' || count(*) FROM telegram_inbox").query(String.class).single()
                        + ", outbox " + jdbc.sql("SELECT status, count(*) FROM outbox GROUP BY status").query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2)).list()
                        + ", unconfirmed " + api.unconfirmedUpdates());
            }
            Thread.sleep(100);
        }
    }
}
