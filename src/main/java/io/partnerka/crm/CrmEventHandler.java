package io.partnerka.crm;

import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies one CRM event in one transaction: the event id is claimed first (a replay, even a concurrent one, waits
 * for the first and then changes nothing), then the deal moves with its history, ledger entry and the partner's
 * notification. Any refusal rolls all of it back, the event id included, so a corrected retry may use it again.
 */
@Service
class CrmEventHandler {

    static final String EXTERNAL_SYSTEM = "crm";

    private final JdbcClient jdbc;
    private final Deals deals;

    CrmEventHandler(JdbcClient jdbc, Deals deals) {
        this.jdbc = jdbc;
        this.deals = deals;
    }

    @Transactional
    Map<String, Object> apply(CrmEvent e) {
        int claimed = jdbc.sql("INSERT INTO crm_event (event_id, source, status, result) VALUES (?, 'crm', ?, 'pending') ON CONFLICT DO NOTHING")
                .params(e.eventId(), e.status()).update();
        if (claimed == 0) {
            return jdbc.sql("SELECT deal_id, status, result FROM crm_event WHERE event_id = ?").param(e.eventId())
                    .query((rs, n) -> response(e.eventId(), (Long) rs.getObject(1), rs.getString(2), "duplicate"))
                    .single();
        }
        DealView deal = resolve(e);
        ChangeResult result = deals.change(deal.id(), DealChange.external("crm", e.status(), e.amount(), e.currency(),
                e.comment(), e.reopen()));
        String outcome = result.changed() ? "applied" : "unchanged";
        jdbc.sql("UPDATE crm_event SET deal_id = ?, result = ? WHERE event_id = ?").params(deal.id(), outcome, e.eventId()).update();
        return response(e.eventId(), deal.id(), result.deal().status(), outcome);
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

    static Map<String, Object> response(String eventId, Long dealId, String status, String result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event_id", eventId);
        out.put("deal_id", dealId);
        out.put("status", status);
        out.put("result", result);
        return out;
    }
}
