package io.partnerka.conversation;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prunes what the conversation keeps about people: finished outbox rows after {@code partnerka.retention.outbox}
 * (their content too, when {@code delivered-content} kept it for a while), and the drafts of forms abandoned for
 * longer than {@code partnerka.conversation.draft-ttl} (a half-typed client phone or card number). In batches, so a
 * large backlog never holds long locks; every instance may run it (deleting twice is harmless).
 */
@Component
class OutboxRetention {

    private static final Logger log = LoggerFactory.getLogger(OutboxRetention.class);

    private final JdbcClient jdbc;
    private final RetentionSettings settings;
    private final Duration draftTtl;

    OutboxRetention(JdbcClient jdbc, RetentionSettings settings,
                    @org.springframework.beans.factory.annotation.Value("${partnerka.conversation.draft-ttl:24h}") Duration draftTtl) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.draftTtl = draftTtl;
    }

    @Scheduled(initialDelayString = "${partnerka.retention.initial-delay:5m}", fixedDelayString = "${partnerka.retention.every:1h}")
    void run() {
        try {
            Pruned p = prune(Instant.now());
            if (p.any()) {
                log.info("Retention: {} outbox rows deleted, {} emptied, {} abandoned drafts cleared", p.deleted(), p.emptied(), p.drafts());
            }
        } catch (RuntimeException e) {
            log.warn("Outbox retention round failed, will retry: {}", e.toString());
        }
    }

    record Pruned(int deleted, int emptied, int drafts) {
        boolean any() {
            return deleted + emptied + drafts > 0;
        }
    }

    /** One round as of {@code now}: returns how many rows were deleted, emptied and drafts cleared. */
    Pruned prune(Instant now) {
        int emptied = 0;
        if (!settings.deliveredContent().isZero()) {
            Timestamp before = Timestamp.from(now.minus(settings.deliveredContent()));
            emptied = settings.runInBatches(jdbc, """
                    UPDATE outbox SET payload = %s WHERE id IN (
                        SELECT id FROM outbox WHERE done_at < ? AND payload <> %s LIMIT ?)"""
                    .formatted(Outbox.METADATA_ONLY, Outbox.METADATA_ONLY), before);
        }
        int deleted = settings.runInBatches(jdbc, """
                DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE done_at < ? ORDER BY done_at LIMIT ?)""",
                Timestamp.from(now.minus(settings.outbox())));
        int drafts = jdbc.sql("UPDATE chat SET draft = NULL WHERE draft IS NOT NULL AND flow_updated_at < ?")
                .param(Timestamp.from(now.minus(draftTtl))).update();
        return new Pruned(deleted, emptied, drafts);
    }

}
