package io.partnerka.admin;

import io.partnerka.approval.ApprovalView;
import io.partnerka.approval.Approvals;
import io.partnerka.support.Support;
import io.partnerka.support.SupportThread;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/**
 * The approval queue for the back office, through the same {@link Approvals} service the bot uses: a decision made
 * in one place shows in the other at once, and a second decision is refused (the first one wins).
 */
@Service
class ApprovalDesk {

    private final Approvals approvals;
    private final Support support;
    private final JdbcClient jdbc;

    ApprovalDesk(Approvals approvals, Support support, JdbcClient jdbc) {
        this.approvals = approvals;
        this.support = support;
        this.jdbc = jdbc;
    }

    /**
     * An item with its card (Telegram HTML: b, i, code, a — safe to show as HTML) and the decision line. {@code id} is
     * the queue's own (for addresses); people refer to an item by {@code subject}, what it decides: "application#2" is
     * partner #2's application, as the audit log and the bot's card name it.
     */
    public record Item(long id, String kind, long subjectId, String subject, String status, java.time.Instant createdAt,
                String card, String decision, String decidedBy, java.time.Instant decidedAt, String reason) {
    }

    List<Item> pending(Operator reader, int limit) {
        return items(approvals.pending(limit), reader);
    }

    int pendingCount() {
        return approvals.pendingCount();
    }

    /** Items decided lately, newest first. */
    List<Item> decided(Operator reader, int limit) {
        List<ApprovalView> decided = jdbc.sql("SELECT id FROM approval_item WHERE status <> 'PENDING' ORDER BY decided_at DESC NULLS LAST, id DESC LIMIT ?")
                .param(limit).query(Long.class).list().stream()
                .map(id -> approvals.find(id).orElseThrow()).toList();
        return items(decided, reader);
    }

    Item find(long id, Operator reader) {
        return approvals.find(id).map(v -> items(List.of(v), reader).get(0)).orElseThrow(() -> notFound("approval item", id));
    }

    void approve(long id, Operator operator) {
        find(id, operator);
        approvals.approve(id, operator.decider());
    }

    void reject(long id, Operator operator, String reason) {
        find(id, operator);
        approvals.reject(id, operator.decider(), reason == null || reason.isBlank() ? null : reason.strip());
    }

    List<SupportThread> openQuestions(int limit) {
        return support.allOpen(limit);
    }

    void answer(long threadId, Operator operator, String text) {
        support.thread(threadId).orElseThrow(() -> notFound("question", threadId));
        support.answer(operator.actorId(), operator.name(), threadId, text);
    }

    private List<Item> items(List<ApprovalView> views, Operator reader) {
        // in the reader's page language, not the language of their chat with the bot; each kind's cards read together
        Map<Long, String> cards = approvals.cardTexts(views, reader.language());
        return views.stream().map(v -> new Item(v.id(), v.kind(), v.subjectId(), v.kind() + "#" + v.subjectId(), v.status(),
                v.createdAt(), cards.get(v.id()), v.isPending() ? null : approvals.decisionLine(v, reader.language()),
                v.decidedByName(), v.decidedAt(), v.reason())).toList();
    }

    static ResponseStatusException notFound(String what, Object id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No " + what + " " + id);
    }
}
