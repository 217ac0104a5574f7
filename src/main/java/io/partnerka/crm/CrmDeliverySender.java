package io.partnerka.crm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends what {@link CrmWebhooks} queued: claims due rows (a lease, {@code FOR UPDATE SKIP LOCKED}, so several
 * instances share the work and a crashed sender's rows come back), one deal's rows in order, and records the
 * outcome. A failure is retried with exponential backoff and jitter up to {@code partnerka.crm.delivery.max-attempts},
 * then the row is kept as FAILED for an operator (until {@link CrmRetention} prunes it). A delivered row drops its payload. Everything lives in the table, so a restart loses nothing.
 */
@Component
class CrmDeliverySender {

    private static final Logger log = LoggerFactory.getLogger(CrmDeliverySender.class);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final int BATCH = 20;

    record Delivery(long id, String target, String eventType, String eventId, Long dealId, String payload, int attempts) {
    }

    /** Sends one delivery; throws with a reason (never containing secrets) when it did not arrive. */
    interface Transport {
        void send(Delivery delivery) throws Exception;
    }

    private final JdbcClient jdbc;
    private final CrmSettings settings;
    private final WebhookTransport webhook;
    private final Bitrix24Client bitrix;

    CrmDeliverySender(JdbcClient jdbc, CrmSettings settings, WebhookTransport webhook, Bitrix24Client bitrix) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.webhook = webhook;
        this.bitrix = bitrix;
    }

    @Scheduled(fixedDelayString = "${partnerka.crm.delivery.interval:5s}",
            initialDelayString = "${partnerka.crm.delivery.initial-delay:10s}")
    void tick() {
        try {
            while (deliverDue() == BATCH) {
                // a full batch: more may be due
            }
        } catch (RuntimeException e) {
            log.warn("CRM delivery round failed, will retry: {}", e.toString());
        }
    }

    /** One round: claims what is due and tries each; returns how many were claimed. */
    int deliverDue() {
        List<Delivery> due = claim();
        for (Delivery d : due) {
            try {
                transport(d.target()).send(d);
                // the receiver has it: the payload (a client's name and phone) is dropped in the same statement
                jdbc.sql("""
                                UPDATE crm_delivery SET status = 'DELIVERED', delivered_at = now(), done_at = now(),
                                       lease_until = NULL, last_error = NULL, payload = NULL WHERE id = ?""")
                        .param(d.id()).update();
                log.info("CRM delivery {} ({} {}) delivered on attempt {}", d.id(), d.target(), d.eventType(), d.attempts());
            } catch (Exception e) {
                failed(d, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        return due.size();
    }

    private Transport transport(String target) {
        return switch (target) {
            case CrmWebhooks.WEBHOOK -> webhook;
            case CrmWebhooks.BITRIX24 -> bitrix;
            default -> d -> {
                throw new IllegalStateException("unknown target " + target);
            };
        };
    }

    private List<Delivery> claim() {
        return jdbc.sql("""
                        UPDATE crm_delivery d SET status = 'SENDING', lease_until = now() + make_interval(secs => ?),
                               attempts = d.attempts + 1
                        WHERE d.id IN (
                            SELECT c.id FROM crm_delivery c
                            WHERE (c.status = 'PENDING' AND c.next_attempt_at <= now()
                                   OR c.status = 'SENDING' AND c.lease_until < now())
                              AND NOT EXISTS (SELECT 1 FROM crm_delivery e
                                              WHERE e.target = c.target AND e.deal_id = c.deal_id AND e.id < c.id
                                                AND e.status IN ('PENDING', 'SENDING'))
                            ORDER BY c.id LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING d.id, d.target, d.event_type, d.event_id, d.deal_id, d.payload, d.attempts""")
                .params(LEASE.toSeconds(), BATCH)
                .query((rs, n) -> new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        (Long) rs.getObject(5), rs.getString(6), rs.getInt(7)))
                .list().stream().sorted(java.util.Comparator.comparingLong(Delivery::id)).toList();
    }

    private void failed(Delivery d, String error) {
        String reason = error.length() > 500 ? error.substring(0, 500) : error;
        if (d.attempts() >= settings.maxAttempts) {
            // kept with its payload for an operator until partnerka.retention.crm-deliveries
            jdbc.sql("UPDATE crm_delivery SET status = 'FAILED', done_at = now(), lease_until = NULL, last_error = ? WHERE id = ?")
                    .params(reason, d.id()).update();
            log.error("CRM delivery {} ({} {}) given up after {} attempts: {}", d.id(), d.target(), d.eventType(), d.attempts(), reason);
            return;
        }
        Instant next = Instant.now().plus(backoff(d.attempts()));
        jdbc.sql("UPDATE crm_delivery SET status = 'PENDING', lease_until = NULL, next_attempt_at = ?, last_error = ? WHERE id = ?")
                .params(java.sql.Timestamp.from(next), reason, d.id()).update();
        log.warn("CRM delivery {} ({} {}) attempt {} failed, next at {}: {}", d.id(), d.target(), d.eventType(), d.attempts(), next, reason);
    }

    /** base * 2^(attempt-1), at most the maximum, plus up to 20 % jitter so a recovering receiver is not stampeded. */
    Duration backoff(int attempt) {
        long base = settings.backoffBase.toMillis();
        long max = settings.backoffMax.toMillis();
        long delay = attempt >= 31 ? max : Math.min(max, base * (1L << Math.max(0, attempt - 1)));
        return Duration.ofMillis(delay + ThreadLocalRandom.current().nextLong(delay / 5 + 1));
    }
}
