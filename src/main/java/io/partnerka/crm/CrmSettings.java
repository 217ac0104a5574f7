package io.partnerka.crm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** {@code partnerka.crm.*} and {@code partnerka.bitrix24.*}. Secrets and URLs with tokens are never logged. */
@Component
class CrmSettings {

    final String secret;
    /** How far an inbound event's signed timestamp may be from our clock (either way). */
    final Duration maxSkew;
    final String webhookUrl;
    final int maxAttempts;
    final Duration backoffBase;
    final Duration backoffMax;
    final Duration timeout;
    final String bitrixUrl;
    final String bitrixToken;
    final String bitrixLeadSource;
    final String bitrixPartnerField;
    final Map<String, String> stageMap;

    CrmSettings(@Value("${partnerka.crm.secret:}") String secret,
                @Value("${partnerka.crm.max-skew:5m}") Duration maxSkew,
                @Value("${partnerka.crm.webhook-url:}") String webhookUrl,
                @Value("${partnerka.crm.delivery.max-attempts:20}") int maxAttempts,
                @Value("${partnerka.crm.delivery.backoff-base:10s}") Duration backoffBase,
                @Value("${partnerka.crm.delivery.backoff-max:1h}") Duration backoffMax,
                @Value("${partnerka.crm.delivery.timeout:10s}") Duration timeout,
                @Value("${partnerka.bitrix24.webhook-url:}") String bitrixUrl,
                @Value("${partnerka.bitrix24.application-token:}") String bitrixToken,
                @Value("${partnerka.bitrix24.lead-source:PARTNER}") String bitrixLeadSource,
                @Value("${partnerka.bitrix24.partner-field:}") String bitrixPartnerField,
                @Value("${partnerka.bitrix24.stage-map:NEW=new,PREPARATION=in_progress,PREPAYMENT_INVOICE=contract,EXECUTING=contract,FINAL_INVOICE=contract,WON=paid,LOSE=lost,APOLOGY=lost}") String stageMap) {
        this.secret = blankToNull(secret);
        if (maxSkew.isNegative() || maxSkew.isZero()) throw new IllegalStateException("partnerka.crm.max-skew must be positive");
        this.maxSkew = maxSkew;
        this.webhookUrl = checkedUrl("partnerka.crm.webhook-url", webhookUrl);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
        this.timeout = timeout;
        String b = checkedUrl("partnerka.bitrix24.webhook-url", bitrixUrl);
        this.bitrixUrl = b == null ? null : b.endsWith("/") ? b : b + "/";
        this.bitrixToken = blankToNull(bitrixToken);
        this.bitrixLeadSource = blankToNull(bitrixLeadSource);
        this.bitrixPartnerField = blankToNull(bitrixPartnerField);
        this.stageMap = parseStageMap(stageMap);
    }

    boolean webhooksOn() {
        return webhookUrl != null;
    }

    boolean bitrixOn() {
        return bitrixUrl != null;
    }

    /** "NEW=new,C1:WON=paid" -> {NEW: new, C1:WON: paid}. */
    static Map<String, String> parseStageMap(String raw) {
        Map<String, String> map = new LinkedHashMap<>();
        if (raw == null) return map;
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) continue;
            int eq = pair.lastIndexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalStateException("partnerka.bitrix24.stage-map: expected STAGE=status pairs, got '" + pair.strip() + "'");
            }
            map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return map;
    }

    private static String checkedUrl(String name, String url) {
        String u = blankToNull(url);
        if (u != null && !u.matches("(?i)https?://.+")) {
            throw new IllegalStateException(name + " must be an http(s) URL");
        }
        return u;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
