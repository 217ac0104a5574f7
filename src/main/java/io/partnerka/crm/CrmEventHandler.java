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
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies an authenticated CRM event at most once, and remembers its id whatever happened. In one transaction: the
 * event id is claimed first (a replay, even a concurrent one, waits for the first and then changes nothing), then the
 * deal moves with its history, ledger entry and the partner's notification inside a savepoint. A refusal rolls the
 * savepoint back (nothing is half-applied) but the id stays, with the answer it got: a refused event replayed later
 * is never applied, even when the deal has meanwhile reached a state that would allow it. A corrected event needs a
 * new id. Unexpected failures (the database away) roll everything back, the id included, so the CRM's retry works.
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
    private final TransactionTemplate savepoint;

    CrmEventHandler(JdbcClient jdbc, Deals deals, Messages messages, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.deals = deals;
        this.messages = messages;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** A signed event of our CRM contract. */
    @Transactional
    Outcome apply(CrmEvent e) {
        return once(SOURCE_CRM, e.eventId(), e.status(), () -> {
            DealView deal = resolve(e);
            ChangeResult result = deals.change(deal.id(), DealChange.external("crm", e.status(), e.amount(), e.currency(),
                    e.comment(), e.reopen()));
            return Outcome.ok(response(e.eventId(), deal.id(), result.deal().status(), result.changed() ? "applied" : "unchanged"));
        }, this::refusal);
    }

    /**
     * Runs {@code action} once for this event id of this source; joins the caller's transaction. The action's refusals
     * ({@link CrmRejection}, or a {@link UserError} turned into an answer by {@code refused}) roll back to a savepoint
     * and are remembered with the answer; a replay gets {@link #replayed}.
     */
    @Transactional
    Outcome once(String source, String eventId, String status, Supplier<Outcome> action, Function<UserError, Outcome> refused) {
        int claimed = jdbc.sql("""
                        INSERT INTO crm_event (source, event_id, status, result) VALUES (?, ?, ?, 'pending')
                        ON CONFLICT DO NOTHING""")
                .params(source, eventId, status).update();
        if (claimed == 0) return replayed(source, eventId).orElseThrow();
        Outcome outcome;
        try {
            outcome = savepoint.execute(tx -> action.get());
        } catch (CrmRejection r) {
            outcome = new Outcome(r.status, error(r.error, r.getMessage()));
        } catch (UserError u) {
            outcome = refused.apply(u);
        }
        Object dealId = outcome.body().get("deal_id");
        Object dealStatus = outcome.body().get("status");
        jdbc.sql("""
                        UPDATE crm_event SET deal_id = ?, status = coalesce(?, status), result = ?, http_status = ?, error = ?,
                               reason = left(?, 500)
                        WHERE source = ? AND event_id = ?""")
                .params(dealId, dealStatus, outcome.status() == 200 ? outcome.result() : "refused", outcome.status(),
                        outcome.body().get("error"), reason(outcome), source, eventId)
                .update();
        return outcome;
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
