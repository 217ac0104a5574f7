package io.partnerka.approval;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.Roles;
import io.partnerka.conversation.UserError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One queue for everything a manager must decide. Every manager is shown a new item with Approve / Reject buttons;
 * the first decision wins (a conditional update), the others learn who decided and when, and the cards they were
 * shown are updated. Bot and admin web app decide through this same service.
 */
@Service
public class Approvals {

    private final JdbcClient jdbc;
    private final Notifier notifier;
    private final Roles roles;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    // handlers are looked up lazily: they belong to features that themselves submit items here
    private final org.springframework.beans.factory.ObjectProvider<ApprovalHandler> handlers;
    private final Formats formats;
    private final io.partnerka.conversation.Messages messages;

    private final java.util.Map<String, ApprovalHandler> handlerByKind = new java.util.concurrent.ConcurrentHashMap<>();

    Approvals(JdbcClient jdbc, Notifier notifier, Roles roles, AuditLog audit, ApplicationEventPublisher events,
              org.springframework.beans.factory.ObjectProvider<ApprovalHandler> handlers, Formats formats,
              io.partnerka.conversation.Messages messages) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.notifier = notifier;
        this.roles = roles;
        this.audit = audit;
        this.events = events;
        this.handlers = handlers;
        this.formats = formats;
    }

    /** Queues an item and shows it to every manager. One open item per subject: a repeat returns the open one. */
    @Transactional
    public long submit(String kind, long subjectId) {
        handler(kind);
        Optional<Long> open = jdbc.sql("SELECT id FROM approval_item WHERE kind = ? AND subject_id = ? AND status = 'PENDING'")
                .params(kind, subjectId).query(Long.class).optional();
        if (open.isPresent()) return open.get();
        long id = jdbc.sql("INSERT INTO approval_item (kind, subject_id) VALUES (?, ?) RETURNING id")
                .params(kind, subjectId).query(Long.class).single();
        for (long manager : roles.managerIds()) {
            long outboxId = notifier.send(manager, card(find(id).orElseThrow(), manager, true));
            jdbc.sql("INSERT INTO approval_notice (item_id, chat_id, outbox_id) VALUES (?, ?, ?)")
                    .params(id, manager, outboxId).update();
        }
        return id;
    }

    @Transactional
    public void approve(long itemId, Decider decider) {
        decide(itemId, decider, true, null);
    }

    @Transactional
    public void reject(long itemId, Decider decider, String reason) {
        decide(itemId, decider, false, reason);
    }

    public Optional<ApprovalView> find(long itemId) {
        return jdbc.sql("SELECT * FROM approval_item WHERE id = ?").param(itemId).query(this::view).optional();
    }

    /** Items that wait, oldest first. */
    public List<ApprovalView> pending(int limit) {
        return jdbc.sql("SELECT * FROM approval_item WHERE status = 'PENDING' ORDER BY created_at, id LIMIT ?")
                .param(limit).query(this::view).list();
    }

    public int pendingCount() {
        return jdbc.sql("SELECT count(*) FROM approval_item WHERE status = 'PENDING'").query(Integer.class).single();
    }

    /** The card of an item for a manager's chat, with buttons while it waits and the decision once made. */
    public Reply.Text card(ApprovalView item, long managerChatId, boolean withButtons) {
        Reply.Text text = Reply.Text.of(cardText(item, notifier.languageOf(managerChatId)));
        if (!item.isPending() || !withButtons) return text;
        return text.withButtons(List.of(List.of(
                notifier.button(managerChatId, notifier.text(managerChatId, "approval.approve", Map.of()), "ap:" + item.id() + ":ok"),
                notifier.button(managerChatId, notifier.text(managerChatId, "approval.reject", Map.of()), "ap:" + item.id() + ":no"))));
    }

    /**
     * The card in a reader's language (the admin web app shows it in its user's language), with the decision once
     * made. An item is named by what it decides and that thing's own number ("Partner application #2" is partner
     * #2's application, as the audit log's {@code application#2}); the queue's own ids stay internal.
     */
    public String cardText(ApprovalView item, String lang) {
        return cardTexts(List.of(item), lang).get(item.id());
    }

    /** {@link #cardText} of several items by item id, each kind's cards read together (a queue shows many). */
    public Map<Long, String> cardTexts(List<ApprovalView> items, String lang) {
        Map<Long, String> out = new java.util.HashMap<>();
        items.stream().collect(java.util.stream.Collectors.groupingBy(ApprovalView::kind)).forEach((kind, ofKind) -> {
            Map<Long, String> cards = handler(kind).cards(ofKind.stream().map(ApprovalView::subjectId).toList(), lang);
            for (ApprovalView item : ofKind) {
                String body = messages.text(lang, "approval.card", Map.of(
                        "id", item.subjectId(),
                        "kind", messages.text(lang, "approval.kind." + kind),
                        "card", new io.partnerka.conversation.Messages.Trusted(cards.get(item.subjectId()))));
                out.put(item.id(), item.isPending() ? body : body + "\n\n" + decisionLine(item, lang));
            }
        });
        return out;
    }

    /** "✅ Approved by Maria, 12 May 2026, 14:30 Moscow time" in the reader's language. */
    public String decisionLine(ApprovalView item, long readerChatId) {
        return decisionLine(item, notifier.languageOf(readerChatId));
    }

    public String decisionLine(ApprovalView item, String lang) {
        return messages.text(lang, "APPROVED".equals(item.status()) ? "approval.decided-approved" : "approval.decided-rejected",
                Map.of("who", item.decidedByName() == null ? "—" : item.decidedByName(),
                        "when", item.decidedAt() == null ? "—" : formats.dateTime(item.decidedAt(), lang),
                        "reason", item.reason() == null ? "—" : item.reason()));
    }

    private void decide(long itemId, Decider decider, boolean approve, String reason) {
        ApprovalView before = find(itemId).orElseThrow(() -> new UserError("approval.not-found"));
        int won = jdbc.sql("""
                        UPDATE approval_item SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = now(), reason = ?
                        WHERE id = ? AND status = 'PENDING'""")
                .params(approve ? "APPROVED" : "REJECTED", decider.userId(), decider.name(), reason, itemId).update();
        if (won == 0) {
            ApprovalView decided = find(itemId).orElseThrow();
            throw new UserError("approval.already-decided", Map.of("line", decisionLine(decided, decider.userId())));
        }
        ApprovalHandler handler = handler(before.kind());
        if (approve) handler.approved(before.subjectId(), decider); else handler.rejected(before.subjectId(), decider, reason);
        ApprovalView after = find(itemId).orElseThrow();
        audit.record(decider, approve ? "approval.approved" : "approval.rejected", before.kind() + "#" + before.subjectId(),
                Map.of("status", before.status()), reason == null ? Map.of("status", after.status())
                        : Map.of("status", after.status(), "reason", reason));
        updateShownCards(after);
        events.publishEvent(new ApprovalDecided(itemId, before.kind(), before.subjectId(), approve, decider));
    }

    /** Every manager's card of the item now says who decided; buttons disappear. */
    private void updateShownCards(ApprovalView item) {
        jdbc.sql("SELECT chat_id, outbox_id FROM approval_notice WHERE item_id = ?").param(item.id())
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).list()
                .forEach(notice -> notifier.deliveredMessageId(notice[1]).ifPresent(messageId ->
                        notifier.send(notice[0], card(item, notice[0], false).asEditOf(messageId))));
    }

    private ApprovalHandler handler(String kind) {
        // asking the bean factory for every card cost more than rendering it (a queue shows many): remembered per kind
        ApprovalHandler h = handlerByKind.computeIfAbsent(kind,
                k -> handlers.orderedStream().filter(x -> x.kind().equals(k)).findFirst().orElse(null));
        if (h == null) throw new IllegalArgumentException("No approval handler for kind " + kind);
        return h;
    }

    private ApprovalView view(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        java.sql.Timestamp decidedAt = rs.getTimestamp("decided_at");
        long decidedBy = rs.getLong("decided_by");
        return new ApprovalView(rs.getLong("id"), rs.getString("kind"), rs.getLong("subject_id"), rs.getString("status"),
                rs.getTimestamp("created_at").toInstant(), rs.wasNull() ? null : decidedBy, rs.getString("decided_by_name"),
                decidedAt == null ? null : decidedAt.toInstant(), rs.getString("reason"));
    }
}
