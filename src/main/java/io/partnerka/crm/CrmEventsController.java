package io.partnerka.crm;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/crm/deals/events}: a CRM reports a deal's status (and amount). Signed:
 * {@code X-Partnerka-Timestamp: <unix seconds>} and
 * {@code X-Partnerka-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under partnerka.crm.secret>},
 * the timestamp within {@code partnerka.crm.max-skew} (5 minutes) of our clock. Every authenticated event id is
 * remembered with its outcome: a replay is answered 200 "duplicate" (applied before) or 409 "already_seen" (refused
 * before) and never applied. 200 applied / unchanged / duplicate; 400 malformed (with the reason); 401 bad or missing
 * signature or timestamp, or a stale one; 404 unknown deal; 409 a move the pipeline does not allow, or a replay of a
 * refused event; 413 a body over 64 KiB; 503 when no secret is configured. Nothing is ever half-applied.
 */
@RestController
class CrmEventsController {

    private static final Logger log = LoggerFactory.getLogger(CrmEventsController.class);
    private static final int MAX_BODY = 64 * 1024;

    private final CrmSettings settings;
    private final CrmEventHandler handler;
    private final CrmMetrics metrics;

    CrmEventsController(CrmSettings settings, CrmEventHandler handler, CrmMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.handler = handler;
    }

    @PostMapping("/api/crm/deals/events")
    ResponseEntity<Map<String, Object>> receive(InputStream body,
                                                @RequestHeader(value = Signatures.HEADER, required = false) String signature,
                                                @RequestHeader(value = Signatures.TIMESTAMP, required = false) String timestamp)
            throws IOException {
        return metrics.counted(CrmMetrics.CRM, answer(body, signature, timestamp));
    }

    private ResponseEntity<Map<String, Object>> answer(InputStream body, String signature, String timestamp)
            throws IOException {
        try {
            if (settings.secret == null) {
                throw new CrmRejection(503, "not_configured", "the CRM endpoint is off: set CRM_WEBHOOK_SECRET");
            }
            byte[] raw = body.readNBytes(MAX_BODY + 1); // never more than that in memory, whatever is sent
            if (raw.length > MAX_BODY) throw new CrmRejection(413, "too_large", "the body is larger than 64 KiB");
            Long ts = Signatures.timestamp(timestamp);
            if (ts == null) {
                throw new CrmRejection(401, "missing_timestamp", Signatures.TIMESTAMP + " (unix seconds) is required, and it is "
                        + "part of the signature: " + Signatures.HEADER + ": sha256=<hex HMAC-SHA256 of \"<timestamp>.<raw body>\">");
            }
            if (!Signatures.verify(ts, raw, signature, settings.secret)) {
                throw new CrmRejection(401, "bad_signature", Signatures.HEADER
                        + " must be sha256=<hex HMAC-SHA256 of \"<timestamp>.<raw body>\" under the shared secret>, "
                        + "the timestamp being the " + Signatures.TIMESTAMP + " header");
            }
            Instant now = Instant.now();
            if (!Signatures.fresh(ts, now, settings.maxSkew)) {
                throw new CrmRejection(401, "stale_timestamp", Signatures.TIMESTAMP + " is " + Signatures.skewSeconds(ts, now)
                        + " s away from the server's clock; at most " + settings.maxSkew.toSeconds()
                        + " s are accepted: sign each request when you send it (a replayed request is refused)");
            }
            CrmEvent event = CrmEvent.parse(raw);
            CrmEventHandler.Outcome outcome = handler.apply(event);
            log.info("CRM event {} for deal {}: {} ({})", event.eventId(), outcome.body().get("deal_id"), outcome.result(),
                    outcome.status());
            return ResponseEntity.status(outcome.status()).body(outcome.body());
        } catch (CrmRejection r) {
            if (r.status == 401) log.warn("CRM event refused: {}", r.error);
            return error(r.status, r.error, r.getMessage());
        }
    }

    static ResponseEntity<Map<String, Object>> error(int status, String error, String reason) {
        return ResponseEntity.status(status).body(CrmEventHandler.error(error, reason));
    }
}
