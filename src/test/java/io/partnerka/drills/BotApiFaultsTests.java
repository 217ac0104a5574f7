package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.telegram.FakeBotApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Drill "a misbehaving Bot API": while 40 people each send three commands by long polling, the Bot API answers
 * getUpdates and sendMessage with 500s, 429 with retry_after, slow responses and connections closed without an
 * answer. The bot must slow down where told, retry, and in the end deliver every reply exactly once, in each chat's
 * order, losing no update. (TelegramPollingTests covers each failure alone; this is all of them at once.)
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BotApiFaultsTests {

    private static final Logger log = LoggerFactory.getLogger(BotApiFaultsTests.class);
    static final FakeBotApi api = FakeBotApi.start();
    static final long FIRST_CHAT = 4_100_000;
    static final int CHATS = 40;

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry registry) {
        registry.add("partnerka.telegram.token", () -> FakeBotApi.TOKEN);
        registry.add("partnerka.telegram.api-url", api::url);
        registry.add("partnerka.telegram.sweep-interval", () -> "300ms");
        registry.add("partnerka.telegram.rate.per-chat-per-second", () -> "50");
        registry.add("partnerka.telegram.rate.per-chat-burst", () -> "50");
        registry.add("partnerka.telegram.sender.max-backoff", () -> "2s");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyReplyIsDeliveredOnceAndInOrderThroughErrorsLimitsSlownessAndDroppedConnections() throws Exception {
        Predicate<FakeBotApi.Call> ours = c -> c.chatId() != null && c.chatId() >= FIRST_CHAT && c.chatId() < FIRST_CHAT + CHATS;
        // getUpdates: errors, dropped connections, a rate limit and slowness, one after the other
        api.failNext("getUpdates", c -> true, 3, FakeBotApi.serverError());
        api.failNext("getUpdates", c -> true, 2, FakeBotApi.DROP);
        api.failNext("getUpdates", c -> true, 1, FakeBotApi.tooManyRequests(1));
        api.slowNext("getUpdates", c -> true, 2, Duration.ofSeconds(1));
        // sendMessage: 15 server errors, 10 dropped connections, 10 rate limits, 20 slow answers
        api.failNext("sendMessage", ours, 15, FakeBotApi.serverError());
        api.failNext("sendMessage", ours, 10, FakeBotApi.DROP);
        List<FakeBotApi.Call> limited = new CopyOnWriteArrayList<>();
        AtomicInteger limits = new AtomicInteger();
        api.failNext("sendMessage", c -> ours.test(c) && limits.getAndIncrement() < 10 && limited.add(c), 10,
                FakeBotApi.tooManyRequests(1));
        api.slowNext("sendMessage", ours, 20, Duration.ofMillis(1500));

        Instant start = Instant.now();
        long updateId = 800_000;
        String[] script = {"/help", "/menu", "/language"};
        for (String command : script) {
            for (long chat = FIRST_CHAT; chat < FIRST_CHAT + CHATS; chat++) {
                api.queueUpdates(FakeBotApi.textUpdate(updateId++, chat, command));
            }
        }

        Duration timeout = Duration.ofSeconds(45);
        List<FakeBotApi.Call> delivered = awaitDelivered(ours, CHATS * script.length, timeout);
        Duration took = Duration.between(start, Instant.now());

        Map<Long, List<String>> byChat = delivered.stream().collect(Collectors.groupingBy(FakeBotApi.Call::chatId,
                Collectors.mapping(FakeBotApi.Call::text, Collectors.toList())));
        List<String> wrong = new ArrayList<>();
        for (long chat = FIRST_CHAT; chat < FIRST_CHAT + CHATS; chat++) {
            List<String> texts = byChat.getOrDefault(chat, List.of());
            if (texts.size() != 3 || !texts.get(0).contains("<b>Commands</b>") || !texts.get(1).startsWith("Main menu")
                    || !texts.get(2).equals("Choose your language:")) {
                wrong.add(chat + ": " + texts.stream().map(t -> t.length() > 30 ? t.substring(0, 30) : t).toList());
            }
        }
        assertThat(wrong).as("each chat gets its three replies once, in order").isEmpty();
        assertThat(jdbc.sql("SELECT status, count(*) FROM outbox WHERE chat_id BETWEEN ? AND ? GROUP BY status")
                .params(FIRST_CHAT, FIRST_CHAT + CHATS - 1).query((rs, n) -> rs.getString(1) + "=" + rs.getLong(2)).list())
                .containsExactly("SENT=" + CHATS * script.length);
        assertThat(jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE update_id >= 800000 AND processed_at IS NOT NULL")
                .query(Long.class).single()).as("no update lost").isEqualTo((long) CHATS * script.length);

        // a chat told to wait (429, retry_after 1 s) was not written to again before that
        assertThat(limited).hasSize(10);
        List<FakeBotApi.Call> all = api.calls("sendMessage");
        for (FakeBotApi.Call hit : limited) {
            all.stream().filter(c -> hit.chatId().equals(c.chatId()) && c.at().isAfter(hit.at())).findFirst()
                    .ifPresent(next -> assertThat(Duration.between(hit.at(), next.at()))
                            .as("retry of chat %s after a 429", hit.chatId()).isGreaterThanOrEqualTo(Duration.ofMillis(950)));
        }
        int attempts = (int) all.stream().filter(ours).count();
        log.info("Bot API faults drill: {} replies delivered once each in {} ms, {} sendMessage attempts "
                + "(15 errors, 10 dropped, 10 rate-limited, 20 slow)", delivered.size(), took.toMillis(), attempts);
        assertThat(attempts).isGreaterThanOrEqualTo(CHATS * script.length + 35);
    }

    private List<FakeBotApi.Call> awaitDelivered(Predicate<FakeBotApi.Call> ours, int count, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<FakeBotApi.Call> delivered = api.answered("sendMessage").stream().filter(ours).toList();
            long open = jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id BETWEEN ? AND ? AND status IN ('PENDING', 'SENDING')")
                    .params(FIRST_CHAT, FIRST_CHAT + CHATS - 1).query(Long.class).single();
            if (delivered.size() >= count && open == 0) {
                Thread.sleep(500); // anything sent twice would show up now
                return api.answered("sendMessage").stream().filter(ours).toList();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + delivered.size() + " of " + count + " replies delivered within "
                        + timeout + "; outbox: " + jdbc.sql("SELECT status || ' ' || attempts || ' ' || coalesce(last_error, '') FROM outbox WHERE chat_id BETWEEN ? AND ? AND status <> 'SENT'")
                        .params(FIRST_CHAT, FIRST_CHAT + CHATS - 1).query(String.class).list());
            }
            Thread.sleep(100);
        }
    }
}
