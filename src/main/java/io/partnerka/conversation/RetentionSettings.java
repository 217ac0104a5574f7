package io.partnerka.conversation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code partnerka.retention.*}: how long records with personal data are kept. The pruning jobs of the modules that
 * own the tables read it (the outbox here, the CRM deliveries and event ids in the crm module).
 *
 * @param outbox           finished outbox rows (sent, given up, dropped): their metadata, kept for the audit, the drills
 *                         and editing or answering a recent notification
 * @param deliveredContent how long a finished outbox row keeps what was said: 0 (the default) drops it in the
 *                         statement that marks the row sent or given up; the tests keep it to read what the bot said
 * @param crmDeliveries    delivered or given-up CRM deliveries
 * @param crmEvents        remembered inbound CRM event ids (at least twice {@code partnerka.crm.max-skew}, so a replay
 *                         inside the signature window is always recognised)
 * @param every            how often the pruning jobs run
 * @param batchSize        rows deleted per statement, so a large backlog never holds long locks
 */
@ConfigurationProperties("partnerka.retention")
public record RetentionSettings(@DefaultValue("30d") Duration outbox, @DefaultValue("0s") Duration deliveredContent,
                                @DefaultValue("30d") Duration crmDeliveries, @DefaultValue("30d") Duration crmEvents,
                                @DefaultValue("1h") Duration every, @DefaultValue("1000") int batchSize) {

    public RetentionSettings {
        if (outbox.isNegative() || deliveredContent.isNegative() || crmDeliveries.isNegative() || crmEvents.isNegative()) {
            throw new IllegalStateException("partnerka.retention.*: durations must not be negative");
        }
        if (!deliveredContent.isZero() && deliveredContent.compareTo(outbox) > 0) {
            throw new IllegalStateException("partnerka.retention.delivered-content must not be longer than partnerka.retention.outbox");
        }
        batchSize = Math.max(1, batchSize);
    }

    /**
     * Runs a statement over {@code … WHERE id IN (SELECT … WHERE <time> < ? … LIMIT ?)} until a batch comes back short, so a
     * large backlog is pruned without long locks. Returns the rows changed.
     */
    public int runInBatches(org.springframework.jdbc.core.simple.JdbcClient jdbc, String sql, java.sql.Timestamp before) {
        int total = 0;
        while (true) {
            int n = jdbc.sql(sql).params(before, batchSize).update();
            total += n;
            if (n < batchSize) return total;
        }
    }
}
