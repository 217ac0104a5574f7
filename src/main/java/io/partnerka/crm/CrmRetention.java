package io.partnerka.crm;

import io.partnerka.conversation.RetentionSettings;
import java.sql.Timestamp;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prunes the CRM module's records: delivered or given-up deliveries after {@code partnerka.retention.crm-deliveries}
 * (a given-up one still carries a client's name and phone), and remembered inbound event ids after
 * {@code partnerka.retention.crm-events} (longer than the signature window, so a replay inside it is always known).
 * In batches; every instance may run it.
 */
@Component
class CrmRetention {

    private static final Logger log = LoggerFactory.getLogger(CrmRetention.class);

    private final JdbcClient jdbc;
    private final RetentionSettings settings;

    CrmRetention(JdbcClient jdbc, RetentionSettings settings, CrmSettings crm) {
        this.jdbc = jdbc;
        this.settings = settings;
        if (settings.crmEvents().compareTo(crm.maxSkew.multipliedBy(2)) <= 0) {
            throw new IllegalStateException("partnerka.retention.crm-events (" + settings.crmEvents()
                    + ") must be longer than twice partnerka.crm.max-skew (" + crm.maxSkew + "), or a replay could be applied");
        }
    }

    @Scheduled(initialDelayString = "${partnerka.retention.initial-delay:5m}", fixedDelayString = "${partnerka.retention.every:1h}")
    void run() {
        try {
            int[] n = prune(Instant.now());
            if (n[0] + n[1] > 0) log.info("Retention: {} CRM deliveries and {} remembered CRM event ids deleted", n[0], n[1]);
        } catch (RuntimeException e) {
            log.warn("CRM retention round failed, will retry: {}", e.toString());
        }
    }

    /** One round as of {@code now}: {deliveries deleted, event ids deleted}. */
    int[] prune(Instant now) {
        int deliveries = settings.runInBatches(jdbc, """
                DELETE FROM crm_delivery WHERE id IN (
                    SELECT id FROM crm_delivery WHERE done_at < ? AND status IN ('DELIVERED', 'FAILED') ORDER BY done_at LIMIT ?)""",
                Timestamp.from(now.minus(settings.crmDeliveries())));
        int events = settings.runInBatches(jdbc, """
                DELETE FROM crm_event WHERE event_id IN (
                    SELECT event_id FROM crm_event WHERE received_at < ? ORDER BY received_at LIMIT ?)""",
                Timestamp.from(now.minus(settings.crmEvents())));
        return new int[]{deliveries, events};
    }

}
