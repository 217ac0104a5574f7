package io.partnerka.crm;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/crm/deals/events}: a CRM reports a deal's status (and amount). The raw body must be signed:
 * {@code X-Partnerka-Signature: sha256=<hex HMAC-SHA256 of the body under partnerka.crm.secret>}.
 * 200 applied / unchanged / duplicate; 400 malformed (with the reason); 401 bad signature; 404 unknown deal;
 * 409 a move the pipeline does not allow; 413 a body over 64 KiB; 503 when no secret is configured.
 * Nothing is ever half-applied.
 */
@RestController
class CrmEventsController {

    private static final Logger log = LoggerFactory.getLogger(CrmEventsController.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Set<String> CONFLICTS = Set.of("deal.move-not-allowed", "deal.move-needs-reopen",
            "deal.external-conflict", "deal.changed-meanwhile");

    private final CrmSettings settings;
    private final CrmEventHandler handler;
    private final Messages messages;
    private final CrmMetrics metrics;

    CrmEventsController(CrmSettings settings, CrmEventHandler handler, Messages messages, CrmMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.handler = handler;
        this.messages = messages;
    }

    @PostMapping("/api/crm/deals/events")
    ResponseEntity<Map<String, Object>> receive(InputStream body,
                                                @RequestHeader(value = Signatures.HEADER, required = false) String signature)
            throws IOException {
        return metrics.counted(CrmMetrics.CRM, answer(body, signature));
    }

    private ResponseEntity<Map<String, Object>> answer(InputStream body, String signature) throws IOException {
        try {
            if (settings.secret == null) {
                throw new CrmRejection(503, "not_configured", "the CRM endpoint is off: set CRM_WEBHOOK_SECRET");
            }
            byte[] raw = body.readNBytes(MAX_BODY + 1); // never more than that in memory, whatever is sent
            if (raw.length > MAX_BODY) throw new CrmRejection(413, "too_large", "the body is larger than 64 KiB");
            if (!Signatures.verify(raw, signature, settings.secret)) {
                throw new CrmRejection(401, "bad_signature",
                        "X-Partnerka-Signature must be sha256=<hex HMAC-SHA256 of the raw body under the shared secret>");
            }
            CrmEvent event = CrmEvent.parse(raw);
            Map<String, Object> result = handler.apply(event);
            log.info("CRM event {} for deal {}: {}", event.eventId(), result.get("deal_id"), result.get("result"));
            return ResponseEntity.ok(result);
        } catch (CrmRejection r) {
            if (r.status == 401) log.warn("CRM event refused: bad signature");
            return error(r.status, r.error, r.getMessage());
        } catch (UserError e) {
            return refusal(e, messages);
        }
    }

    /** A deal refusal as an HTTP answer: the reason in English, without markup. */
    static ResponseEntity<Map<String, Object>> refusal(UserError e, Messages messages) {
        String reason = org.springframework.web.util.HtmlUtils.htmlUnescape(
                messages.text("en", e.key(), e.args()).replaceAll("<[^>]+>", ""));
        if ("deal.not-found".equals(e.key())) return error(404, "unknown_deal", reason);
        if (CONFLICTS.contains(e.key())) return error(409, "conflict", reason);
        return error(400, "bad_request", reason);
    }

    static ResponseEntity<Map<String, Object>> error(int status, String error, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", reason);
        return ResponseEntity.status(status).body(body);
    }
}
