package io.partnerka.crm;

import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/crm/bitrix24/events}: Bitrix24's outbound webhook for {@code ONCRMDEALADD} and
 * {@code ONCRMDEALUPDATE} (form fields {@code event}, {@code data[FIELDS][ID]}, {@code auth[application_token]}).
 * The application token must equal {@code partnerka.bitrix24.application-token} (else 401), and the event's {@code ts}
 * (unix seconds) be within {@code partnerka.crm.max-skew} of our clock (else 401; missing: 400). Each event (its type,
 * deal id and ts) is remembered with its outcome, so a replayed request changes nothing. The event carries only
 * the deal id, so the deal is read with {@code crm.deal.get}; a deal made from one of our leads (LEAD_ID) or linked
 * before is ours, and its STAGE_ID maps to our status through {@code partnerka.bitrix24.stage-map} (an exact stage id
 * first, then the part after the last ':' so {@code C1:WON} maps like {@code WON}). WON brings OPPORTUNITY and
 * CURRENCY_ID as the paid amount. Everything else (other deals, unmapped stages, moves our pipeline refuses) is
 * answered 200 "ignored" with a reason: Bitrix24 sends every deal of the portal here.
 */
@RestController
class Bitrix24Controller {

    private static final Logger log = LoggerFactory.getLogger(Bitrix24Controller.class);

    private final CrmSettings settings;
    private final Bitrix24Client bitrix;
    private final Deals deals;
    private final CrmEventHandler handler;
    private final CrmMetrics metrics;

    Bitrix24Controller(CrmSettings settings, Bitrix24Client bitrix, Deals deals, CrmEventHandler handler,
                       CrmMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.bitrix = bitrix;
        this.deals = deals;
        this.handler = handler;
        if (settings.bitrixOn()) {
            settings.stageMap.forEach((stage, status) -> {
                if (!deals.pipeline().isKnown(status)) {
                    throw new IllegalStateException("partnerka.bitrix24.stage-map maps " + stage + " to unknown status " + status);
                }
            });
        }
    }

    @PostMapping("/api/crm/bitrix24/events")
    ResponseEntity<Map<String, Object>> receive(@RequestParam MultiValueMap<String, String> form) {
        return metrics.counted(CrmMetrics.BITRIX24, answer(form));
    }

    private ResponseEntity<Map<String, Object>> answer(MultiValueMap<String, String> form) {
        if (!settings.bitrixOn() || settings.bitrixToken == null) {
            return CrmEventsController.error(503, "not_configured",
                    "the Bitrix24 endpoint is off: set BITRIX24_WEBHOOK_URL and BITRIX24_APPLICATION_TOKEN");
        }
        String token = form.getFirst("auth[application_token]");
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                settings.bitrixToken.getBytes(StandardCharsets.UTF_8))) {
            log.warn("Bitrix24 event refused: wrong application token");
            return CrmEventsController.error(401, "bad_token", "auth[application_token] does not match");
        }
        // Bitrix24 signs nothing (the token is a static password in the form), but every event carries the time it
        // was sent: outside the window it is a replay or a very late delivery, and refused like our own contract's
        Long ts = Signatures.timestamp(form.getFirst("ts"));
        if (ts == null) return CrmEventsController.error(400, "bad_request", "ts (unix seconds) is required: Bitrix24 sends it with every event");
        Instant now = Instant.now();
        if (!Signatures.fresh(ts, now, settings.maxSkew)) {
            log.warn("Bitrix24 event refused: ts is {} s away from our clock", Signatures.skewSeconds(ts, now));
            return CrmEventsController.error(401, "stale_timestamp", "ts is " + Signatures.skewSeconds(ts, now)
                    + " s away from the server's clock; at most " + settings.maxSkew.toSeconds() + " s are accepted");
        }
        String event = String.valueOf(form.getFirst("event")).toUpperCase(java.util.Locale.ROOT);
        String bitrixDealId = form.getFirst("data[FIELDS][ID]");
        if (!event.equals("ONCRMDEALUPDATE") && !event.equals("ONCRMDEALADD")) return ignored("event " + event + " is not handled");
        if (bitrixDealId == null || !bitrixDealId.matches("\\d{1,18}")) {
            return CrmEventsController.error(400, "bad_request", "data[FIELDS][ID] must be a deal id");
        }
        JsonNode fields;
        try {
            fields = bitrix.deal(bitrixDealId);
        } catch (Exception e) {
            // not remembered: the portal was away, nothing was decided
            log.warn("Bitrix24 deal {} could not be read: {}", bitrixDealId, e.getMessage());
            return CrmEventsController.error(502, "bitrix24_unavailable", "crm.deal.get failed: " + e.getMessage());
        }
        // Bitrix24 events have no id of their own and carry nothing but the deal id: what we act on is the deal as the
        // portal has it now. The event, the deal, the time it was sent and the state read make the id, remembered like
        // a CRM event id: the same request replayed changes nothing, while two real edits in the same second differ
        String eventId = event + ":" + bitrixDealId + ":" + ts + ":" + stateDigest(fields);
        Optional<CrmEventHandler.Outcome> seen = handler.replayed(CrmEventHandler.SOURCE_BITRIX24, eventId);
        if (seen.isPresent()) {
            log.info("Bitrix24 event {} seen before: not applied again", eventId);
            return answer(seen.get());
        }
        DealView[] found = new DealView[1];
        CrmEventHandler.Outcome outcome = handler.once(CrmEventHandler.SOURCE_BITRIX24, eventId, null,
                () -> apply(bitrixDealId, fields, found),
                refused -> {
                    if ("deal.external-conflict".equals(refused.key())) {
                        return CrmEventHandler.Outcome.ok(result(null, null, "ignored",
                                "the deal's lead belongs to a deal already linked to another Bitrix24 deal"));
                    }
                    String reason = handler.reasonOf(refused);
                    DealView deal = found[0];
                    log.warn("Bitrix24 deal {} -> deal {}: refused: {}", bitrixDealId, deal == null ? null : deal.id(), reason);
                    return CrmEventHandler.Outcome.ok(result(deal == null ? null : deal.id(), deal == null ? null : deal.status(),
                            "ignored", reason));
                });
        return answer(outcome);
    }

    /** Inside the event's savepoint: maps the portal's deal to ours and moves it; a refusal is thrown. */
    private CrmEventHandler.Outcome apply(String bitrixDealId, JsonNode fields, DealView[] found) {
        Optional<DealView> ours = deals.byExternalId(Bitrix24Client.DEAL, bitrixDealId);
        String leadId = fields.path("LEAD_ID").asString("");
        if (ours.isEmpty() && leadId.matches("\\d{1,18}")) {
            ours = deals.byExternalId(Bitrix24Client.LEAD, leadId);
            if (ours.isPresent()) deals.linkExternalId(ours.get().id(), Bitrix24Client.DEAL, bitrixDealId);
        }
        if (ours.isEmpty()) return CrmEventHandler.Outcome.ok(result(null, null, "ignored", "not a partner deal"));
        found[0] = ours.get();
        String stage = fields.path("STAGE_ID").asString("");
        String status = settings.stageMap.get(stage);
        if (status == null && stage.contains(":")) status = settings.stageMap.get(stage.substring(stage.lastIndexOf(':') + 1));
        if (status == null) {
            return CrmEventHandler.Outcome.ok(result(null, null, "ignored", "stage " + stage + " is not in partnerka.bitrix24.stage-map"));
        }
        BigDecimal amount = null;
        String currency = null;
        if (status.equals(deals.pipeline().paid())) {
            String opportunity = fields.path("OPPORTUNITY").asString("");
            try {
                amount = opportunity.isBlank() ? null : new BigDecimal(opportunity);
            } catch (NumberFormatException e) {
                amount = null;
            }
            if (amount == null || amount.signum() <= 0) {
                return CrmEventHandler.Outcome.ok(result(null, null, "ignored", "a won deal without an OPPORTUNITY amount"));
            }
            currency = fields.path("CURRENCY_ID").asString(null);
        }
        ChangeResult r = deals.change(ours.get().id(), DealChange.external("bitrix24", status, amount, currency, null, false));
        log.info("Bitrix24 deal {} -> deal {}: {} ({})", bitrixDealId, ours.get().id(), status, r.changed() ? "applied" : "unchanged");
        return CrmEventHandler.Outcome.ok(result(ours.get().id(), r.deal().status(), r.changed() ? "applied" : "unchanged", null));
    }

    /** A short digest of what we map from the portal's deal (stage, amount, currency, lead). */
    static String stateDigest(JsonNode fields) {
        String state = String.join("|", fields.path("STAGE_ID").asString(""), fields.path("OPPORTUNITY").asString(""),
                fields.path("CURRENCY_ID").asString(""), fields.path("LEAD_ID").asString(""));
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResponseEntity<Map<String, Object>> answer(CrmEventHandler.Outcome o) {
        return ResponseEntity.status(o.status()).body(o.body());
    }

    private static ResponseEntity<Map<String, Object>> ignored(String reason) {
        return ResponseEntity.ok(result(null, null, "ignored", reason));
    }

    private static Map<String, Object> result(Long dealId, String status, String result, String reason) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deal_id", dealId);
        out.put("status", status);
        out.put("result", result);
        if (reason != null) out.put("reason", reason);
        return out;
    }
}
