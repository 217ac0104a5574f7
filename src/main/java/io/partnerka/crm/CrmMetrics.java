package io.partnerka.crm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * CRM events by outcome: {@code partnerka.crm.events{source=crm|bitrix24, outcome=applied|unchanged|duplicate|ignored|
 * <error code>}}. The outcome is the answer's {@code result} or {@code error}: codes our own code writes, never input,
 * so the tag stays low-cardinality (anything unexpected counts as "other").
 */
@Component
class CrmMetrics {

    static final String CRM = "crm", BITRIX24 = "bitrix24";
    private static final List<String> KNOWN = List.of("applied", "unchanged", "duplicate", "ignored", "bad_signature",
            "bad_token", "bad_request", "unknown_deal", "conflict", "too_large", "not_configured", "bitrix24_unavailable");

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    CrmMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (String source : List.of(CRM, BITRIX24)) {
            for (String outcome : KNOWN) counter(source, outcome);
        }
    }

    /** Counts the answer given to an event and returns it. */
    ResponseEntity<Map<String, Object>> counted(String source, ResponseEntity<Map<String, Object>> answer) {
        Map<String, Object> body = answer.getBody();
        Object outcome = body == null ? null : body.containsKey("result") ? body.get("result") : body.get("error");
        String tag = outcome instanceof String s && s.matches("[a-z0-9_]{1,32}") ? s : "other";
        counter(source, tag).increment();
        return answer;
    }

    private Counter counter(String source, String outcome) {
        return counters.computeIfAbsent(source + '/' + outcome, key -> Counter.builder("partnerka.crm.events")
                .tag("source", source).tag("outcome", outcome).description("CRM events received, by outcome")
                .register(meters));
    }
}
