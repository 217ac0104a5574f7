package io.partnerka.crm;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.deal.DealView;
import io.partnerka.deal.DealsTestBase;
import io.partnerka.deal.HttpStandIn;
import io.partnerka.deal.HttpStandIn.Response;
import io.partnerka.testing.ChatTester;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Bitrix24 adapter against a local stand-in for a portal's REST API: a submitted client becomes a lead
 * ({@code crm.lead.add}), and the portal's deal-stage events move our deal through the stage map.
 */
class Bitrix24AdapterTests extends DealsTestBase {

    private static final String REST = HttpStandIn.BITRIX_PATH;
    private final HttpStandIn standIn = HttpStandIn.get();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    /** The portal's deals as crm.deal.get returns them, by id. */
    private final Map<String, String> portalDeals = new ConcurrentHashMap<>();

    @Autowired CrmDeliverySender sender;
    @LocalServerPort int port;

    @BeforeEach
    void portal() {
        standIn.answer(REST + "crm.deal.get.json", r -> {
            String id = json.readTree(r.body()).path("id").asString();
            String deal = portalDeals.get(id);
            return deal == null ? new Response(400, "{\"error\": \"NOT_FOUND\", \"error_description\": \"Not found\"}")
                    : new Response(200, "{\"result\": " + deal + ", \"time\": {}}");
        });
    }

    private void drain() {
        while (sender.deliverDue() > 0) {
            // until nothing due is left
        }
    }

    private String leadOf(DealView deal) {
        drain();
        return deals.externalId(deal.id(), Bitrix24Client.LEAD).orElseThrow();
    }

    private void portalDeal(String id, String stage, String leadId, String amount, String currency) {
        portalDeals.put(id, """
                {"ID": "%s", "TITLE": "Сделка", "STAGE_ID": "%s", "LEAD_ID": %s, "OPPORTUNITY": "%s", "CURRENCY_ID": "%s"}"""
                .formatted(id, stage, leadId == null ? "null" : "\"" + leadId + "\"", amount, currency));
    }

    /** What Bitrix24's outbound webhook posts: a form with the event, the deal id and the application token. */
    private HttpResponse<String> event(String event, String dealId, String token) throws Exception {
        return event(event, dealId, token, java.time.Instant.now().getEpochSecond());
    }

    /** Each call is a new event when sent a second or more after the previous one (Bitrix24's ts is in seconds). */
    private HttpResponse<String> event(String event, String dealId, String token, long ts) throws Exception {
        StringBuilder form = new StringBuilder("event=" + event + "&data%5BFIELDS%5D%5BID%5D=" + dealId
                + "&ts=" + ts + "&auth%5Bdomain%5D=example.bitrix24.ru&auth%5Bmember_id%5D=abc");
        if (token != null) form.append("&auth%5Bapplication_token%5D=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/crm/bitrix24/events"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r) {
        return json.readTree(r.body());
    }

    @Test
    void aSubmittedClientBecomesALeadTiedToThePartner() {
        ChatTester anna = approvedPartner("Анна Битрикс");
        DealView deal = submit(anna, "Лид Битриксов", "+79265550202", "legal");
        String leadId = leadOf(deal);

        HttpStandIn.Request add = standIn.requests(REST + "crm.lead.add.json").stream()
                .filter(r -> r.body().contains("Лид Битриксов")).findFirst().orElseThrow();
        JsonNode fields = json.readTree(add.body()).path("fields");
        assertThat(fields.path("NAME").asString()).isEqualTo("Лид Битриксов");
        assertThat(fields.path("TITLE").asString()).isEqualTo("Лид Битриксов — Юридическое сопровождение");
        assertThat(fields.path("PHONE").get(0).path("VALUE").asString()).isEqualTo("+79265550202");
        assertThat(fields.path("SOURCE_ID").asString()).isEqualTo("PARTNER");
        assertThat(fields.path("SOURCE_DESCRIPTION").asString()).contains("Анна Битрикс").contains("#" + deal.partnerId());
        assertThat(fields.path("COMMENTS").asString()).contains("Partnerka #" + deal.id());
        assertThat(leadId).matches("\\d+");
    }

    @Test
    void aFailedLeadAddIsRetriedAndLinkedOnce() {
        standIn.answer(REST + "crm.lead.add.json", r -> new Response(503,
                "{\"error\": \"QUERY_LIMIT_EXCEEDED\", \"error_description\": \"Too many requests\"}"));
        DealView deal = submit(approvedPartner("Анна"), "Лид С Ретраем");
        drain();
        Map<String, Object> row = jdbc.sql("SELECT * FROM crm_delivery WHERE deal_id = ? AND target = 'bitrix24'")
                .param(deal.id()).query().singleRow();
        assertThat(row).containsEntry("status", "PENDING");
        assertThat((String) row.get("last_error")).contains("QUERY_LIMIT_EXCEEDED").doesNotContain("secret-code");
        assertThat(deals.externalId(deal.id(), Bitrix24Client.LEAD)).isEmpty();

        standIn.answer(REST + "crm.lead.add.json", r -> new Response(200, "{\"result\": 777" + deal.id() + "}"));
        jdbc.sql("UPDATE crm_delivery SET next_attempt_at = now() WHERE id = ?").param(row.get("id")).update();
        drain();
        assertThat(deals.externalId(deal.id(), Bitrix24Client.LEAD)).contains("777" + deal.id());
    }

    @Test
    void dealStageEventsMoveOurDealAndWonPaysTheCommission() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Стадий");
        String leadId = leadOf(deal);
        anna.poll();
        String portalDealId = "90" + deal.id();

        portalDeal(portalDealId, "PREPARATION", leadId, "0.00", "RUB");
        HttpResponse<String> moved = event("ONCRMDEALADD", portalDealId, BITRIX_TOKEN);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(body(moved).path("result").asString()).isEqualTo("applied");
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("in_progress");
        assertThat(deals.externalId(deal.id(), Bitrix24Client.DEAL)).contains(portalDealId);
        anna.poll();
        anna.expect("deal.notify.status").expectContaining("В работе");

        // a pipeline's own stage ids ("C1:WON") map like the default ones; WON brings the amount
        portalDeal(portalDealId, "C1:WON", leadId, "120000.00", "RUB");
        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN)).path("result").asString()).isEqualTo("applied");
        DealView paid = deals.find(deal.id()).orElseThrow();
        assertThat(paid.status()).isEqualTo("paid");
        assertThat(paid.amount()).isEqualByComparingTo("120000.00");
        anna.poll();
        anna.expect("deal.notify.paid").expectContaining("18\u00a0000,00\u00a0₽");

        // Bitrix24 sends updates for every edit: the same stage again (a later edit) changes nothing
        long later = java.time.Instant.now().getEpochSecond() + 1;
        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN, later)).path("result").asString()).isEqualTo("unchanged");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
    }

    @Test
    void eventsThatAreNotOursOrNotMappedAreIgnoredAndAWrongTokenIsRefused() throws Exception {
        DealView deal = submit(approvedPartner("Анна"), "Клиент Игнора");
        String leadId = leadOf(deal);
        String portalDealId = "91" + deal.id();
        portalDeal(portalDealId, "PREPARATION", leadId, "0", "RUB");

        HttpResponse<String> wrong = event("ONCRMDEALUPDATE", portalDealId, "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(event("ONCRMDEALUPDATE", portalDealId, null).statusCode()).isEqualTo(401);
        assertThat(standIn.requests(REST + "crm.deal.get.json")).noneMatch(r -> r.body().contains(portalDealId));
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");

        portalDeal("555000", "WON", "424242", "100", "RUB");
        assertThat(body(event("ONCRMDEALUPDATE", "555000", BITRIX_TOKEN)).path("reason").asString()).isEqualTo("not a partner deal");
        portalDeal(portalDealId, "UC_CUSTOM", leadId, "0", "RUB");
        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN)).path("result").asString()).isEqualTo("ignored");
        assertThat(body(event("ONCRMLEADADD", "1", BITRIX_TOKEN)).path("result").asString()).isEqualTo("ignored");
        portalDeal(portalDealId, "WON", leadId, "0.00", "RUB");
        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN)).path("reason").asString()).contains("OPPORTUNITY");
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");

        // a move back is the bot's explicit reopen, not an edit in the portal
        portalDeal(portalDealId, "EXECUTING", leadId, "0", "RUB");
        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN)).path("result").asString()).isEqualTo("applied");
        portalDeal(portalDealId, "NEW", leadId, "0", "RUB");
        JsonNode back = body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN));
        assertThat(back.path("result").asString()).isEqualTo("ignored");
        assertThat(back.path("reason").asString()).contains("reopen");
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("contract");

        assertThat(event("ONCRMDEALUPDATE", "not-a-number", BITRIX_TOKEN).statusCode()).isEqualTo(400);
        standIn.answer(REST + "crm.deal.get.json", r -> new Response(500, "oops"));
        assertThat(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN).statusCode()).isEqualTo(502);
    }

    @Test
    void aReplayedEventChangesNothingAndAStaleOneIsRefused() throws Exception {
        ChatTester anna = approvedPartner("Анна Повтор Битрикс");
        DealView deal = submit(anna, "Клиент Повторов Портала");
        String leadId = leadOf(deal);
        String portalDealId = "92" + deal.id();
        portalDeal(portalDealId, "PREPARATION", leadId, "0", "RUB");
        long ts = java.time.Instant.now().getEpochSecond();

        // sent six minutes ago (or captured then and replayed now): refused before the portal is asked
        HttpResponse<String> stale = event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN, ts - 360);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(body(stale).path("error").asString()).isEqualTo("stale_timestamp");
        assertThat(standIn.requests(REST + "crm.deal.get.json")).noneMatch(r -> r.body().contains(portalDealId));
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");

        assertThat(body(event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN, ts)).path("result").asString()).isEqualTo("applied");
        // our manager moves the deal on meanwhile; the same request replayed must not move it back or again
        deals.change(deal.id(), io.partnerka.deal.DealChange.external("crm", "contract", null, null, null, false));
        HttpResponse<String> replay = event("ONCRMDEALUPDATE", portalDealId, BITRIX_TOKEN, ts);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(body(replay).path("result").asString()).isEqualTo("duplicate");
        assertThat(body(replay).path("first_result").asString()).isEqualTo("applied");
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("contract");
        assertThat(jdbc.sql("SELECT result FROM crm_event WHERE source = 'bitrix24' AND event_id LIKE ?")
                .param("ONCRMDEALUPDATE:" + portalDealId + ":" + ts + ":%").query(String.class).single()).isEqualTo("applied");

        // without ts there is no window: refused
        String noTs = "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=" + portalDealId + "&auth%5Bapplication_token%5D=" + BITRIX_TOKEN;
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/crm/bitrix24/events"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(noTs)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(body(missing).path("message").asString()).contains("ts");
    }
}
