package io.partnerka.drip;

import io.partnerka.approval.ApprovalView;
import io.partnerka.approval.Approvals;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.Roles;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Items that wait for a manager's decision longer than {@code partnerka.drip.reminders.waiting-after} are reminded to
 * every manager in one message (again after {@code repeat-after} while they still wait); not during quiet hours.
 */
@Component
class ManagerReminders {

    private final Approvals approvals;
    private final Roles roles;
    private final Notifier notifier;
    private final JdbcClient jdbc;
    private final DripClock clock;
    private final QuietHours quiet;
    private final DripProperties.Reminders settings;

    ManagerReminders(Approvals approvals, Roles roles, Notifier notifier, JdbcClient jdbc, DripClock clock,
                     QuietHours quiet, DripProperties properties) {
        this.approvals = approvals;
        this.roles = roles;
        this.notifier = notifier;
        this.jdbc = jdbc;
        this.clock = clock;
        this.quiet = quiet;
        this.settings = properties.reminders();
    }

    /** Reminds of what waits too long; returns how many items were in the reminder. */
    @Transactional
    int remind() {
        Instant now = clock.instant();
        if (quiet.isQuiet(now)) return 0;
        List<ApprovalView> waiting = approvals.pending(200).stream()
                .filter(i -> i.createdAt().isBefore(now.minus(settings.waitingAfter()))).toList();
        if (waiting.isEmpty()) return 0;
        Set<Long> recent = jdbc.sql("SELECT item_id FROM drip_reminder WHERE item_id = ANY(?) AND last_reminded_at > ?")
                .params(waiting.stream().map(ApprovalView::id).toArray(Long[]::new), Timestamp.from(now.minus(settings.repeatAfter())))
                .query(Long.class).list().stream().collect(Collectors.toSet());
        List<ApprovalView> due = waiting.stream().filter(i -> !recent.contains(i.id())).toList();
        if (due.isEmpty()) return 0;
        for (long manager : roles.managerIds()) {
            StringBuilder text = new StringBuilder(notifier.text(manager, "drip.reminders.header",
                    Map.of("count", due.size(), "after", waitedFor(manager, settings.waitingAfter()))));
            for (ApprovalView item : due) {
                text.append('\n').append(notifier.text(manager, "drip.reminders.line", Messages.args(
                        "id", item.subjectId(), "kind", notifier.text(manager, "approval.kind." + item.kind(), Map.of()),
                        "waits", waitedFor(manager, Duration.between(item.createdAt(), now)))));
            }
            text.append("\n\n").append(notifier.text(manager, "drip.reminders.footer", Map.of()));
            notifier.send(manager, Reply.Text.of(text.toString()));
        }
        jdbc.sql("""
                        INSERT INTO drip_reminder (item_id, last_reminded_at) SELECT unnest(?::bigint[]), ?::timestamptz
                        ON CONFLICT (item_id) DO UPDATE SET last_reminded_at = excluded.last_reminded_at,
                                                            times = drip_reminder.times + 1""")
                .params(due.stream().map(ApprovalView::id).toArray(Long[]::new), Timestamp.from(now)).update();
        return due.size();
    }

    private String waitedFor(long chatId, Duration d) {
        return d.toHours() >= 48
                ? notifier.text(chatId, "drip.reminders.days", Map.of("n", d.toDays()))
                : notifier.text(chatId, "drip.reminders.hours", Map.of("n", Math.max(1, d.toHours())));
    }
}
