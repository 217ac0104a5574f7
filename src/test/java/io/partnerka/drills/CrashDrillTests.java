package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.telegram.FakeBotApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drill "kill -9 while receiving": the app runs as its own JVM by long polling against a local Bot API server and an
 * external PostgreSQL; while updates keep arriving and replies go out, it is killed with SIGKILL, then started again
 * on the same database. Afterwards every update was processed exactly once (one set of replies each, in each chat's
 * order) and no reply is lost. Delivery to Telegram is at least once: a reply whose sendMessage was in flight at the
 * moment of the kill (Telegram had it, we had not recorded it) is sent again after the restart — at most one per
 * call in flight, and the drill counts them. The leases a dead process held (inbox 30 s, outbox 60 s) are
 * fast-forwarded instead of waited for.
 */
class CrashDrillTests {

    private static final Logger log = LoggerFactory.getLogger(CrashDrillTests.class);
    static final long FIRST_CHAT = 5_200_000;
    static final int CHATS = 40;
    static final String[] SCRIPT = {"/help", "/menu", "/language", "/cancel"};
    static final int ROUNDS = 3; // each chat sends the script this many times
    private static EmbeddedPostgres postgres;
    private static FakeBotApi api;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "100").start();
        DataSource ds = postgres.getPostgresDatabase();
        jdbc = JdbcClient.create(ds);
        api = FakeBotApi.start();
        api.longPoll(Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) api.close();
        if (postgres != null) postgres.close();
    }

    private static AppProcess app(String name) throws Exception {
        return AppProcess.start(name, Map.of(
                        "TELEGRAM_BOT_TOKEN", FakeBotApi.TOKEN,
                        "TELEGRAM_API_URL", api.url(),
                        "SPRING_DATASOURCE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                        "SPRING_DATASOURCE_USERNAME", "postgres",
                        "PORT", "0"),
                "--partnerka.telegram.rate.enabled=false",
                "--partnerka.telegram.sweep-interval=300ms",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.io.partnerka=INFO");
    }

    @Test
    void killedWhileReceivingAndSending_noUpdateLostOrProcessedTwice() throws Exception {
        int total = CHATS * SCRIPT.length * ROUNDS;
        long firstUpdate = 1_000_000;
        List<Object> updates = new ArrayList<>();
        long id = firstUpdate;
        for (int round = 0; round < ROUNDS; round++) {
            for (String command : SCRIPT) {
                for (long chat = FIRST_CHAT; chat < FIRST_CHAT + CHATS; chat++) updates.add(FakeBotApi.textUpdate(id++, chat, command));
            }
        }
        // a third is waiting when the app starts; the rest keeps arriving while it works (and while it is killed)
        api.queueUpdates(updates.subList(0, total / 3).toArray());
        Thread feeder = new Thread(() -> {
            try {
                for (int i = total / 3; i < total; i += 10) {
                    Thread.sleep(100);
                    api.queueUpdates(updates.subList(i, Math.min(total, i + 10)).toArray());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "feeder");

        AppProcess first = app("crash-drill-1");
        int sentBeforeKill;
        long recordedBeforeKill;
        long processedBeforeKill;
        long sendingAtKill;
        boolean feedingAtKill;
        try {
            awaitUntil(() -> api.answered("sendMessage").size() >= 20, Duration.ofSeconds(90), "the first app to answer", first);
            feeder.start();
            awaitUntil(() -> api.answered("sendMessage").size() >= total / 8, Duration.ofSeconds(60), "an eighth of the replies", first);
            feedingAtKill = feeder.isAlive();
            first.kill9();
            sentBeforeKill = api.answered("sendMessage").size();
            recordedBeforeKill = count("SELECT count(*) FROM telegram_inbox");
            processedBeforeKill = count("SELECT count(*) FROM telegram_inbox WHERE processed_at IS NOT NULL");
            sendingAtKill = count("SELECT count(*) FROM outbox WHERE status = 'SENDING'");
        } finally {
            first.close();
        }
        log.info("Killed pid {} with SIGKILL: {} replies sent, {} of {} updates recorded, {} processed, {} sends in flight",
                first.pid(), sentBeforeKill, recordedBeforeKill, total, processedBeforeKill, sendingAtKill);
        assertThat(processedBeforeKill).as("killed in the middle of the work").isLessThan(total);
        assertThat(feedingAtKill).as("killed while updates were still arriving").isTrue();
        feeder.join();

        // what 30 s (inbox) and 60 s (outbox) of waiting would do: the dead process's leases run out
        jdbc.sql("UPDATE telegram_inbox SET lease_until = now() WHERE processed_at IS NULL AND lease_until > now()").update();
        jdbc.sql("UPDATE outbox SET lease_until = now() - interval '1 second' WHERE status = 'SENDING'").update();

        try (AppProcess second = app("crash-drill-2")) {
            awaitUntil(() -> count("SELECT count(*) FROM telegram_inbox WHERE processed_at IS NOT NULL") >= total
                            && count("SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')") == 0
                            && api.unconfirmedUpdates() == 0,
                    Duration.ofSeconds(90), "every update processed and every reply sent after the restart", second);
            Thread.sleep(500);
        }

        assertThat(count("SELECT count(*) FROM telegram_inbox")).as("no update lost").isEqualTo(total);
        assertThat(count("SELECT count(*) FROM outbox")).as("each update processed once: one reply each").isEqualTo(total);
        assertThat(count("SELECT count(*) FROM outbox WHERE status <> 'SENT'")).isZero();

        Map<Long, List<String>> byChat = new LinkedHashMap<>();
        for (FakeBotApi.Call c : api.answered("sendMessage")) byChat.computeIfAbsent(c.chatId(), k -> new ArrayList<>()).add(Replies.commandOf(c.text()));
        int duplicates = 0;
        List<String> wrong = new ArrayList<>();
        for (long chat = FIRST_CHAT; chat < FIRST_CHAT + CHATS; chat++) {
            List<String> got = byChat.getOrDefault(chat, List.of());
            List<String> collapsed = new ArrayList<>();
            for (String k : got) {
                // a reply sent again right after itself is the in-flight one; anything else out of place is wrong
                if (!collapsed.isEmpty() && collapsed.get(collapsed.size() - 1).equals(k)) duplicates++; else collapsed.add(k);
            }
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) for (String command : SCRIPT) expected.add(command);
            if (!collapsed.equals(expected)) wrong.add(chat + ": " + collapsed);
        }
        log.info("Crash drill: {} updates, {} replies, each once and in order; {} sent twice (in flight at the kill: {})",
                total, total + duplicates, duplicates, sendingAtKill);
        assertThat(wrong).as("each chat's replies, in order, none missing").isEmpty();
        assertThat(duplicates).as("sent twice: only calls that were in flight at the kill").isLessThanOrEqualTo((int) sendingAtKill);
    }

    private static long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static void awaitUntil(java.util.function.BooleanSupplier done, Duration timeout, String what, AppProcess app)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (!app.alive()) throw new AssertionError("the app died while waiting for " + what + "; see " + app.log());
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + timeout + "; inbox "
                        + jdbc.sql("SELECT count(*) FILTER (WHERE processed_at IS NOT NULL) || '/' || count(*) FROM telegram_inbox").query(String.class).single()
                        + ", outbox " + jdbc.sql("SELECT status, count(*) FROM outbox GROUP BY status").query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2)).list()
                        .stream().collect(Collectors.joining(",")) + ", unconfirmed " + api.unconfirmedUpdates() + "; see " + app.log());
            }
            Thread.sleep(100);
        }
    }
}
