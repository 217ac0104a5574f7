package io.partnerka.crm;

import io.partnerka.conversation.UserError;
import io.partnerka.deal.Deals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bitrix24's REST API through an incoming webhook ({@code partnerka.bitrix24.webhook-url}, e.g.
 * {@code https://example.bitrix24.ru/rest/1/abc123/}; the URL is a secret and is never logged). As a delivery
 * transport it turns {@code lead.submitted} into {@code crm.lead.add} and links the new lead's id to the deal, so the
 * deal-stage events of the lead's deal find their way back.
 */
@Component
class Bitrix24Client implements CrmDeliverySender.Transport {

    static final String LEAD = "bitrix24-lead";
    static final String DEAL = "bitrix24-deal";
    private static final Logger log = LoggerFactory.getLogger(Bitrix24Client.class);

    private final CrmSettings settings;
    private final Deals deals;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    Bitrix24Client(CrmSettings settings, Deals deals) {
        this.settings = settings;
        this.deals = deals;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout).build();
    }

    @Override
    public void send(CrmDeliverySender.Delivery d) throws Exception {
        if (!"lead.submitted".equals(d.eventType())) return; // only leads go to Bitrix24 for now
        if (d.dealId() != null && deals.externalId(d.dealId(), LEAD).isPresent()) return; // created on an earlier attempt
        JsonNode data = json.readTree(d.payload()).get("data");
        Map<String, Object> fields = new LinkedHashMap<>();
        String client = data.path("client").path("name").asString();
        String product = data.path("product").path("title").asString();
        String partner = data.path("partner").path("name").asString();
        long partnerId = data.path("partner").path("id").asLong();
        long dealId = data.path("deal_id").asLong();
        fields.put("TITLE", client + " — " + product);
        fields.put("NAME", client);
        fields.put("PHONE", List.of(Map.of("VALUE", data.path("client").path("phone").asString(), "VALUE_TYPE", "WORK")));
        StringBuilder comments = new StringBuilder("Partnerka #" + dealId + "\n" + product);
        if (data.hasNonNull("comment")) comments.append("\n").append(data.get("comment").asString());
        comments.append("\nPartner: ").append(partner).append(" (#").append(partnerId).append(")");
        fields.put("COMMENTS", comments.toString());
        if (settings.bitrixLeadSource != null) fields.put("SOURCE_ID", settings.bitrixLeadSource);
        fields.put("SOURCE_DESCRIPTION", "Partnerka: " + partner + " (#" + partnerId + ")");
        if (settings.bitrixPartnerField != null) fields.put(settings.bitrixPartnerField, String.valueOf(partnerId));
        JsonNode result = call("crm.lead.add", Map.of("fields", fields, "params", Map.of("REGISTER_SONET_EVENT", "Y")));
        String leadId = result.asString();
        if (leadId == null || leadId.isBlank() || "0".equals(leadId)) throw new IllegalStateException("crm.lead.add returned no id");
        try {
            deals.linkExternalId(dealId, LEAD, leadId);
        } catch (UserError conflict) {
            log.warn("Bitrix24 lead {} could not be linked to deal {}: {}", leadId, dealId, conflict.key());
        }
    }

    /** {@code crm.deal.get}: the deal's fields (STAGE_ID, OPPORTUNITY, CURRENCY_ID, LEAD_ID, ...). */
    JsonNode deal(String id) throws Exception {
        return call("crm.deal.get", Map.of("id", id));
    }

    /** One REST call; the {@code result} node, or an exception with Bitrix24's error (never the URL). */
    private JsonNode call(String method, Map<String, ?> params) throws Exception {
        if (!settings.bitrixOn()) throw new IllegalStateException("partnerka.bitrix24.webhook-url is not set");
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.bitrixUrl + method + ".json"))
                .timeout(settings.timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(params)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new IllegalStateException("Bitrix24 " + method + ": HTTP " + response.statusCode() + ", not JSON");
        }
        if (response.statusCode() / 100 != 2 || body.hasNonNull("error")) {
            throw new IllegalStateException("Bitrix24 " + method + ": HTTP " + response.statusCode() + " "
                    + body.path("error").asString("") + " " + body.path("error_description").asString(""));
        }
        if (!body.has("result")) throw new IllegalStateException("Bitrix24 " + method + ": no result");
        return body.get("result");
    }
}
