package io.partnerka.telegram;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What an operator watches of the Telegram side ({@code partnerka.*} meters, scraped at /actuator/prometheus): updates
 * received and processed with their processing time, the inbox and outbox backlogs, messages sent, 429s, retries and
 * chats that became unreachable. Every meter is built once here: the hot paths only increment.
 */
@Component
class TelegramMetrics {

    /** How long a backlog count is reused: a scrape every few seconds costs at most one cheap count per table. */
    static final Duration BACKLOG_CACHE = Duration.ofSeconds(5);

    private final Counter received;
    private final Map<UpdateMapping.Kind, Counter> processed = new EnumMap<>(UpdateMapping.Kind.class);
    private final Map<UpdateMapping.Kind, Timer> processing = new EnumMap<>(UpdateMapping.Kind.class);
    private final Counter failed;
    private final Counter givenUp;
    private final Counter sent;
    private final Counter throttled;
    private final Counter retriedAfter429;
    private final Counter retriedAfterError;
    private final Counter unreachable;
    private final Counter refused;

    TelegramMetrics(MeterRegistry meters, JdbcClient jdbc) {
        received = Counter.builder("partnerka.updates.received").description("Updates recorded in the inbox (redeliveries not counted)")
                .register(meters);
        for (UpdateMapping.Kind kind : UpdateMapping.Kind.values()) {
            String tag = kind.name().toLowerCase(java.util.Locale.ROOT);
            processed.put(kind, Counter.builder("partnerka.updates.processed").tag("kind", tag)
                    .description("Updates handled from the inbox").register(meters));
            processing.put(kind, Timer.builder("partnerka.updates.processing").tag("kind", tag)
                    .description("Time to handle one update (the conversation's transaction included)")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30)).register(meters));
        }
        failed = Counter.builder("partnerka.updates.failed").description("Update handling attempts that failed (retried later)")
                .register(meters);
        givenUp = Counter.builder("partnerka.updates.given_up").description("Updates given up after repeated failures or unreadable")
                .register(meters);
        sent = Counter.builder("partnerka.messages.sent").description("Bot API calls that delivered an outbox message")
                .register(meters);
        throttled = Counter.builder("partnerka.messages.throttled").description("429 Too Many Requests answers of the Bot API")
                .register(meters);
        retriedAfter429 = Counter.builder("partnerka.messages.retries").tag("reason", "429")
                .description("Outbox messages scheduled for another attempt").register(meters);
        retriedAfterError = Counter.builder("partnerka.messages.retries").tag("reason", "error")
                .description("Outbox messages scheduled for another attempt").register(meters);
        unreachable = Counter.builder("partnerka.chats.unreachable")
                .description("Chats marked unreachable (403: the person blocked the bot)").register(meters);
        refused = Counter.builder("partnerka.messages.failed").description("Outbox messages refused or given up").register(meters);
        Gauge.builder("partnerka.inbox.backlog", new CachedCount(() -> jdbc.sql(
                        "SELECT count(*) FROM telegram_inbox WHERE processed_at IS NULL")
                        .query(Long.class).single()), CachedCount::value)
                .description("Updates recorded and not yet processed").register(meters);
        Gauge.builder("partnerka.outbox.backlog", new CachedCount(() -> jdbc.sql(
                        "SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')").query(Long.class).single()),
                        CachedCount::value)
                .description("Messages waiting to be sent (due or not yet)").register(meters);
    }

    void received(int count) {
        if (count > 0) received.increment(count);
    }

    void processed(UpdateMapping.Kind kind, long startedNanos) {
        processed.get(kind).increment();
        processing.get(kind).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void failed() {
        failed.increment();
    }

    void givenUp() {
        givenUp.increment();
    }

    void sent() {
        sent.increment();
    }

    void throttled() {
        throttled.increment();
        retriedAfter429.increment();
    }

    void retried() {
        retriedAfterError.increment();
    }

    void unreachable() {
        unreachable.increment();
    }

    void refused() {
        refused.increment();
    }

    /** A count read at most once per {@link #BACKLOG_CACHE}; NaN while the database cannot be read. */
    static final class CachedCount {

        private static final Logger log = LoggerFactory.getLogger(CachedCount.class);
        private final LongSupplier query;
        private long readAt;
        private double value = Double.NaN;
        private boolean read;

        CachedCount(LongSupplier query) {
            this.query = query;
        }

        synchronized double value() {
            long now = System.nanoTime();
            if (read && now - readAt < BACKLOG_CACHE.toNanos()) return value;
            try {
                value = query.getAsLong();
            } catch (RuntimeException e) {
                log.debug("Backlog count failed ({})", Failures.describe(e));
                value = Double.NaN;
            }
            readAt = now;
            read = true;
            return value;
        }
    }
}
