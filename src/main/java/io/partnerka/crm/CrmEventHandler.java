package io.partnerka.crm;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies an authenticated CRM event at most once, and remembers its id whatever happened. The event id is locked
 * first (a transaction-scoped advisory lock: a replay, even a concurrent one on another instance, waits for the
 * first and then finds its outcome). The deal moves with its history, ledger entry and the partner's notification,
 * and the id is recorded as applied, in one transaction. A refusal rolls that transaction back (nothing is
 * half-applied), but before the lock is let go the id is recorded in a transaction of its own with the answer it got:
 * a refused event replayed later is never applied, even when the deal has meanwhile reached a state that would allow
 * it. A corrected event needs a new id. Unexpected failures (the database away) leave no trace, so the CRM's retry
 * works.
 */
@Service
class CrmEventHandler {

    static final String EXTERNAL_SYSTEM = "crm";
    static final String SOURCE_CRM = "crm";
    static final String SOURCE_BITRIX24 = "bitrix24";
    private static final Set<String> CONFLICTS = Set.of("deal.move-not-allowed", "deal.move-needs-reopen",
            "deal.external-conflict", "deal.changed-meanwhile");

    /** An answer: its HTTP status and JSON body. */
    record Outcome(int status, Map<String, Object> body) {

        static Outcome ok(Map<String, Object> body) {
            return new Outcome(200, body);
        }

        String result() {
            Object r = body.get("result");
            return r == null ? "refused" : r.toString();
        }
    }

    private final JdbcClient jdbc;
    private final Deals deals;
    private final Messages messages;
    private final TransactionTemplate transaction;
    private final TransactionTemplate apart;

    CrmEventHandler(JdbcClient jdbc, Deals deals, Messages messages, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.deals = deals;
        this.messages = messages;
        this.transaction = new TransactionTemplate(transactions);
        this.apart = new TransactionTemplate(transactions);
        this.apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** A signed event of our CRM contract. */
    Outcome apply(CrmEvent e) {
        return once(SOURCE_CRM, e.eventId(), e.status(), () -> {
            DealView deal = resolve(e);
            ChangeResult result = deals.change(deal.id(), DealChange.external("crm", e.status(), e.amount(), e.currency(),
                    e.comment(), e.reopen()));
            return Outcome.ok(response(e.eventId(), deal.id(), result.deal().status(), result.changed() ? "applied" : "unchanged"));
        }, this::refusal);
    }

    /**
     * Runs {@code action} once for this event id of this source, in a transaction of its own. The action's refusals
     * ({@link CrmRejection}, or a {@link UserError} turned into an answer by {@code refused}) roll its changes back and
     * are remembered with the answer; a replay gets {@link #replayed}.
     */
    Outcome once(String source, String eventId, String status, Supplier<Outcome> action, Function<UserError, Outcome> refused) {
        return transaction.execute(tx -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))").param(source + ":" + eventId)
                    .query((rs, n) -> 1).list();
            Optional<Outcome> seen = replayed(source, eventId);
            if (seen.isPresent()) return seen.get();
            Outcome outcome;
            try {
                outcome = action.get();
            } catch (CrmRejection | UserError refusal) {
                Outcome answer = refusal instanceof CrmRejection r ? new Outcome(r.status, error(r.error, r.getMessage()))
                        : refused.apply((UserError) refusal);
                tx.setRollbackOnly();
                // remembered now, while this transaction still holds the lock: no copy can slip in between
                apart.executeWithoutResult(t -> remember(source, eventId, status, answer));
                return answer;
            }
            remember(source, eventId, status, outcome);
            return outcome;
        });
    }

    private void remember(String source, String eventId, String status, Outcome outcome) {
        Object dealStatus = outcome.body().get("status");
        jdbc.sql("""
                        INSERT INTO crm_event (source, event_id, deal_id, status, result, http_status, error, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, left(?, 500))""")
                .params(source, eventId, outcome.body().get("deal_id"), dealStatus == null ? status : dealStatus,
                        outcome.status() == 200 ? outcome.result() : "refused", outcome.status(), outcome.body().get("error"),
                        reason(outcome))
                .update();
    }

    /** Whether this event id was seen before (and then how a replay is answered). */
    Optional<Outcome> replayed(String source, String eventId) {
        return jdbc.sql("SELECT deal_id, status, result, http_status, error, reason FROM crm_event WHERE source = ? AND event_id = ?")
                .params(source, eventId)
                .query((rs, n) -> {
                    Long dealId = (Long) rs.getObject(1);
                    String result = rs.getString(3);
                    if (!"refused".equals(result)) {
                        Map<String, Object> body = response(eventId, dealId, rs.getString(2), "duplicate");
                        body.put("first_result", result);
                        return Outcome.ok(body);
                    }
                    int firstStatus = rs.getInt(4);
                    Map<String, Object> body = error("already_seen", "event_id " + eventId + " was refused before (" + firstStatus
                            + " " + rs.getString(5) + ": " + rs.getString(6) + "); a refused event is never applied: "
                            + "send the corrected event with a new event_id");
                    body.put("event_id", eventId);
                    body.put("first_status", firstStatus);
                    body.put("first_error", rs.getString(5));
                    return new Outcome(409, body);
                })
                .optional();
    }

    private DealView resolve(CrmEvent e) {
        if (e.dealId() != null) {
            DealView deal = deals.find(e.dealId())
                    .orElseThrow(() -> new CrmRejection(404, "unknown_deal", "no deal with deal_id " + e.dealId()));
            if (e.externalId() != null) deals.linkExternalId(deal.id(), EXTERNAL_SYSTEM, e.externalId());
            return deal;
        }
        return deals.byExternalId(EXTERNAL_SYSTEM, e.externalId())
                .orElseThrow(() -> new CrmRejection(404, "unknown_deal", "no deal linked to external_id " + e.externalId()));
    }

    /** A deal refusal as an HTTP answer: the reason in English, without markup. */
    Outcome refusal(UserError e) {
        String reason = reasonOf(e);
        if ("deal.not-found".equals(e.key())) return new Outcome(404, error("unknown_deal", reason));
        if (CONFLICTS.contains(e.key())) return new Outcome(409, error("conflict", reason));
        return new Outcome(400, error("bad_request", reason));
    }

    String reasonOf(UserError e) {
        return org.springframework.web.util.HtmlUtils.htmlUnescape(
                messages.text("en", e.key(), e.args()).replaceAll("<[^>]+>", ""));
    }

    private static String reason(Outcome o) {
        Object r = o.body().containsKey("message") ? o.body().get("message") : o.body().get("reason");
        return r == null ? null : r.toString();
    }

    static Map<String, Object> response(String eventId, Long dealId, String status, String result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event_id", eventId);
        out.put("deal_id", dealId);
        out.put("status", status);
        out.put("result", result);
        return out;
    }

    static Map<String, Object> error(String error, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", reason);
        return body;
    }
}
