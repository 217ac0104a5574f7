package io.partnerka.crm;

import java.math.BigDecimal;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One deal event from a CRM:
 * <pre>{@code {"event_id": "evt-1001", "deal_id": 12, "external_id": "CRM-555", "status": "paid",
 *  "amount": "150000.00", "currency": "RUB", "comment": "Paid in full", "reopen": false}}</pre>
 * {@code event_id} and {@code status} are required, and {@code deal_id} (ours) or {@code external_id} (the CRM's,
 * linked the first time both are sent). Amounts are exact decimals, as a JSON string or number.
 */
record CrmEvent(String eventId, Long dealId, String externalId, String status, BigDecimal amount, String currency,
                String comment, boolean reopen) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    static CrmEvent parse(byte[] body) {
        if (body == null || body.length == 0) throw bad("empty body: a JSON object is expected");
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw bad("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw bad("a JSON object is expected");
        String eventId = text(root, "event_id", 100);
        if (eventId == null || !eventId.matches("[A-Za-z0-9._:@/-]{1,100}")) {
            throw bad("event_id is required: 1..100 of letters, digits and . _ : @ / -");
        }
        Long dealId = null;
        JsonNode d = root.get("deal_id");
        if (d != null && !d.isNull()) {
            if (d.isIntegralNumber() && d.canConvertToLong() && d.longValue() > 0) dealId = d.longValue();
            else if (d.isString() && d.asString().matches("\\d{1,18}")) dealId = Long.parseLong(d.asString());
            else throw bad("deal_id must be a positive integer");
        }
        String externalId = text(root, "external_id", 100);
        if (dealId == null && externalId == null) throw bad("deal_id or external_id is required");
        String status = text(root, "status", 24);
        if (status == null) throw bad("status is required");
        BigDecimal amount = null;
        JsonNode a = root.get("amount");
        if (a != null && !a.isNull()) {
            try {
                amount = a.isNumber() ? a.decimalValue() : a.isString() ? new BigDecimal(a.asString().strip()) : null;
            } catch (NumberFormatException e) {
                amount = null;
            }
            if (amount == null) throw bad("amount must be a decimal number, e.g. \"150000.00\"");
        }
        String currency = text(root, "currency", 3);
        if (amount != null && currency == null) throw bad("currency is required with an amount");
        String comment = text(root, "comment", 1000);
        JsonNode r = root.get("reopen");
        if (r != null && !r.isNull() && !r.isBoolean()) throw bad("reopen must be true or false");
        return new CrmEvent(eventId, dealId, externalId, status.toLowerCase(java.util.Locale.ROOT), amount, currency,
                comment, r != null && r.isBoolean() && r.booleanValue());
    }

    private static String text(JsonNode root, String field, int max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isString() && !n.isNumber()) throw bad(field + " must be a string");
        String s = n.asString().strip();
        if (s.isEmpty()) return null;
        if (s.length() > max) throw bad(field + " is longer than " + max + " characters");
        return s;
    }

    private static CrmRejection bad(String reason) {
        return new CrmRejection(400, "bad_request", reason);
    }
}
