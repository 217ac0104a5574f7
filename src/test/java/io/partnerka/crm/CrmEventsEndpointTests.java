package io.partnerka.crm;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.deal.DealView;
import io.partnerka.deal.DealsTestBase;
import io.partnerka.testing.ChatTester;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/crm/deals/events} over real HTTP: good, bad and replayed signatures, unknown deals, malformed
 * bodies, moves the pipeline refuses, external ids, and concurrent paid events. Nothing is ever half-applied.
 */
class CrmEventsEndpointTests extends DealsTestBase {

    private static final AtomicLong EVENTS = new AtomicLong();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort int port;

    /**
     * Signed exactly as the README tells a CRM to sign: HMAC-SHA256 of "<timestamp>.<raw body>", hex, prefixed
     * "sha256=", the timestamp (unix seconds) also sent as X-Partnerka-Timestamp.
     */
    static String sign(long timestamp, String body, String secret) throws Exception {
        return hmac(timestamp + "." + body, secret);
    }

    private static String hmac(String base, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
    }

    private static long now() {
        return java.time.Instant.now().getEpochSecond();
    }

    private HttpResponse<String> post(String body, Long timestamp, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/crm/deals/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timestamp != null) request.header("X-Partnerka-Timestamp", timestamp.toString());
        if (signature != null) request.header("X-Partnerka-Signature", signature);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed request as a CRM sends it, kept so the very same bytes can be sent again (a replay). */
    private record Signed(String body, long timestamp, String signature) {
    }

    private Signed signed(String body) throws Exception {
        long ts = now();
        return new Signed(body, ts, sign(ts, body, SECRET));
    }

    private HttpResponse<String> post(Signed s) throws Exception {
        return post(s.body(), s.timestamp(), s.signature());
    }

    private HttpResponse<String> postSigned(String body) throws Exception {
        return post(signed(body));
    }

    private JsonNode json(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    private static String eventId() {
        return "evt-" + System.nanoTime() + "-" + EVENTS.incrementAndGet();
    }

    private int crmEvents(String eventId) {
        return jdbc.sql("SELECT count(*) FROM crm_event WHERE event_id = ?").param(eventId).query(Integer.class).single();
    }

    @Test
    void aSignedPaidEventPaysTheDealAndTheReplayChangesNothing() throws Exception {
        ChatTester anna = approvedPartner("Анна Срм");
        DealView deal = submit(anna, "Клиент Из Срм");
        anna.poll();
        String id = eventId();
        String body = """
                {"event_id": "%s", "deal_id": %d, "status": "paid", "amount": "150000.00", "currency": "RUB",
                 "comment": "Оплата по счёту 17"}""".formatted(id, deal.id());
        Signed request = signed(body);

        HttpResponse<String> first = post(request);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).path("result").asString()).isEqualTo("applied");
        assertThat(json(first).path("status").asString()).isEqualTo("paid");
        anna.poll();
        anna.expect("deal.notify.paid").expectContaining("22\u00a0500,00\u00a0₽").expectContaining("Оплата по счёту 17");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);

        // the very same request again (a replay, or the CRM's own retry): 200, and nothing happens twice
        HttpResponse<String> replay = post(request);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(json(replay).path("result").asString()).isEqualTo("duplicate");
        assertThat(json(replay).path("deal_id").asLong()).isEqualTo(deal.id());
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
        assertThat(anna.poll()).isEmpty();

        // a new event repeating the status is accepted as unchanged
        HttpResponse<String> again = postSigned(body.replace(id, eventId()));
        assertThat(json(again).path("result").asString()).isEqualTo("unchanged");
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
    }

    @Test
    void badSignaturesAre401AndChangeNothing() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Подделка Подписи");
        String id = eventId();
        String body = """
                {"event_id": "%s", "deal_id": %d, "status": "paid", "amount": "100.00", "currency": "RUB"}"""
                .formatted(id, deal.id());
        String tampered = body.replace("100.00", "100000000.00");

        long ts = now();
        assertThat(post(body, ts, null).statusCode()).isEqualTo(401);
        assertThat(post(body, ts, sign(ts, body, "wrong-secret")).statusCode()).isEqualTo(401);
        assertThat(post(tampered, ts, sign(ts, body, SECRET)).statusCode()).isEqualTo(401);
        assertThat(post(body, ts + 1, sign(ts, body, SECRET)).statusCode()).as("another timestamp than the signed one").isEqualTo(401);
        assertThat(post(body, ts, "sha256=deadbeef").statusCode()).isEqualTo(401);
        HttpResponse<String> bare = post(body, ts, sign(ts, body, SECRET).substring("sha256=".length()));
        assertThat(bare.statusCode()).isEqualTo(401);
        assertThat(json(bare).path("error").asString()).isEqualTo("bad_signature");

        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");
        assertThat(crmEvents(id)).isZero();
        assertThat(ledgerEntries(deal.id())).isZero();
        // upper-case hex is the same signature
        assertThat(post(body, ts, sign(ts, body, SECRET).toUpperCase().replace("SHA256=", "sha256=")).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownClientIs404() throws Exception {
        HttpResponse<String> byId = postSigned("""
                {"event_id": "%s", "deal_id": 987654321, "status": "in_progress"}""".formatted(eventId()));
        assertThat(byId.statusCode()).isEqualTo(404);
        assertThat(json(byId).path("error").asString()).isEqualTo("unknown_deal");
        HttpResponse<String> byExternal = postSigned("""
                {"event_id": "%s", "external_id": "CRM-NOPE", "status": "in_progress"}""".formatted(eventId()));
        assertThat(byExternal.statusCode()).isEqualTo(404);
        assertThat(json(byExternal).path("message").asString()).contains("CRM-NOPE");
    }

    @Test
    void malformedEventsAre400WithAReasonAndNothingIsHalfApplied() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Кривые Запросы");
        long d = deal.id();
        String[][] cases = {
                {"{not json", "malformed JSON"},
                {"[1, 2]", "JSON object"},
                {"", "empty body"},
                {"{\"deal_id\": %d, \"status\": \"paid\"}".formatted(d), "event_id"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d}".formatted(eventId(), d), "status is required"},
                {"{\"event_id\": \"%s\", \"status\": \"paid\"}".formatted(eventId()), "deal_id or external_id"},
                {"{\"event_id\": \"%s\", \"deal_id\": -4, \"status\": \"paid\"}".formatted(eventId()), "deal_id must be"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"won\"}".formatted(eventId(), d), "Unknown status"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"-5\", \"currency\": \"RUB\"}".formatted(eventId(), d), "above zero"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"1e15\", \"currency\": \"RUB\"}".formatted(eventId(), d), "above zero"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"много\", \"currency\": \"RUB\"}".formatted(eventId(), d), "decimal number"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"10\"}".formatted(eventId(), d), "currency is required"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"10\", \"currency\": \"XYZ\"}".formatted(eventId(), d), "RUB, USD, EUR"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\", \"reopen\": \"yes\"}".formatted(eventId(), d), "reopen"},
                {"{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\", \"comment\": \"%s\"}".formatted(eventId(), d, "x".repeat(1001)), "longer than 1000"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = postSigned(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(json(r).path("error").asString()).isEqualTo("bad_request");
            assertThat(json(r).path("message").asString()).as(c[0]).contains(c[1]);
        }

        String huge = "{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"lost\", \"comment\": \"%s\"}"
                .formatted(eventId(), d, "x".repeat(70_000));
        assertThat(postSigned(huge).statusCode()).isEqualTo(413);

        // paid without any amount: refused as a whole, and the refused event id is remembered: the corrected event
        // needs a new one (a refused id is never applied, whatever comes with it later)
        String id = eventId();
        HttpResponse<String> noAmount = postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\"}".formatted(id, d));
        assertThat(noAmount.statusCode()).isEqualTo(400);
        assertThat(json(noAmount).path("message").asString()).contains("needs an amount");
        assertThat(crmEvents(id)).isOne();
        DealView untouched = deals.find(d).orElseThrow();
        assertThat(untouched.status()).isEqualTo("new");
        assertThat(untouched.version()).isEqualTo(deal.version());
        String corrected = "{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": 999.99, \"currency\": \"EUR\"}";
        HttpResponse<String> sameId = postSigned(corrected.formatted(id, d));
        assertThat(sameId.statusCode()).isEqualTo(409);
        assertThat(json(sameId).path("error").asString()).isEqualTo("already_seen");
        assertThat(json(sameId).path("message").asString()).contains("new event_id");
        assertThat(deals.find(d).orElseThrow().status()).isEqualTo("new");
        HttpResponse<String> retry = postSigned(corrected.formatted(eventId(), d));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(deals.find(d).orElseThrow().amount()).isEqualByComparingTo("999.99");
        assertThat(ledgerEntries(d)).isEqualTo(1);
    }

    @Test
    void movesThePipelineRefusesAre409AndAReopenIsExplicit() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Туда Сюда");
        long d = deal.id();
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"contract\"}".formatted(eventId(), d))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> back = postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"new\"}".formatted(eventId(), d));
        assertThat(back.statusCode()).isEqualTo(409);
        assertThat(json(back).path("message").asString()).contains("reopen");
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"lost\"}".formatted(eventId(), d))
                .statusCode()).isEqualTo(200);
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"refunded\"}".formatted(eventId(), d))
                .statusCode()).isEqualTo(409);
        HttpResponse<String> reopened = postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\", \"reopen\": true}".formatted(eventId(), d));
        assertThat(reopened.statusCode()).isEqualTo(200);
        assertThat(deals.find(d).orElseThrow().status()).isEqualTo("in_progress");
    }

    @Test
    void theCrmsOwnIdIsLinkedOnceAndThenEnough() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Внешний Идентификатор");
        DealView other = submit(anna, "Другой Клиент");
        String external = "CRM-" + deal.id();
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"external_id\": \"%s\", \"status\": \"in_progress\"}"
                .formatted(eventId(), deal.id(), external)).statusCode()).isEqualTo(200);
        HttpResponse<String> byExternal = postSigned("{\"event_id\": \"%s\", \"external_id\": \"%s\", \"status\": \"contract\", \"amount\": 70000, \"currency\": \"USD\"}"
                .formatted(eventId(), external));
        assertThat(byExternal.statusCode()).isEqualTo(200);
        assertThat(json(byExternal).path("deal_id").asLong()).isEqualTo(deal.id());
        DealView contract = deals.find(deal.id()).orElseThrow();
        assertThat(contract.status()).isEqualTo("contract");
        assertThat(contract.amount()).isEqualByComparingTo("70000");

        HttpResponse<String> stolen = postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"external_id\": \"%s\", \"status\": \"in_progress\"}"
                .formatted(eventId(), other.id(), external));
        assertThat(stolen.statusCode()).isEqualTo(409);
        assertThat(deals.find(other.id()).orElseThrow().status()).isEqualTo("new");
    }

    @Test
    void concurrentPaidEventsAccrueTheCommissionExactlyOnce() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Шторм Событий");
        String sameId = eventId();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = i < 6 ? eventId() : sameId; // six distinct events and six copies of one
            String body = "{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"paid\", \"amount\": \"80000\", \"currency\": \"RUB\"}"
                    .formatted(id, deal.id());
            responses.add(pool.submit(() -> {
                start.await();
                return postSigned(body);
            }));
        }
        start.countDown();
        List<String> results = new ArrayList<>();
        for (var f : responses) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            results.add(json(r).path("result").asString());
        }
        pool.shutdown();
        assertThat(results).filteredOn("applied"::equals).hasSize(1);
        assertThat(results).filteredOn("duplicate"::equals).hasSize(5);
        assertThat(ledgerEntries(deal.id())).isEqualTo(1);
        assertThat(ledger.balance(deal.partnerId(), "RUB").available()).isEqualByComparingTo("12000.00");
        assertThat(anna.poll()).filteredOn(s -> s.text() != null && s.text().contains("оплатил")).hasSize(1);
    }

    @Test
    void anEventRefusedOnceAndReplayedLaterIsNeverApplied() throws Exception {
        ChatTester anna = approvedPartner("Анна Повтор");
        DealView deal = submit(anna, "Клиент Повтора");
        long d = deal.id();
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"contract\"}".formatted(eventId(), d))
                .statusCode()).isEqualTo(200);
        // a move back without reopen: refused
        String id = eventId();
        Signed back = signed("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\"}".formatted(id, d));
        HttpResponse<String> refused = post(back);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asString()).isEqualTo("conflict");

        // later the deal is reopened back to "new": the refused request would now be a valid forward move
        assertThat(postSigned("{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"new\", \"reopen\": true}".formatted(eventId(), d))
                .statusCode()).isEqualTo(200);
        assertThat(deals.find(d).orElseThrow().status()).isEqualTo("new");
        long version = deals.find(d).orElseThrow().version();

        // the very same signed request, replayed (inside the window): remembered as refused, never applied
        HttpResponse<String> replay = post(back);
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(json(replay).path("error").asString()).isEqualTo("already_seen");
        assertThat(json(replay).path("first_status").asInt()).isEqualTo(409);
        assertThat(json(replay).path("first_error").asString()).isEqualTo("conflict");
        DealView after = deals.find(d).orElseThrow();
        assertThat(after.status()).isEqualTo("new");
        assertThat(after.version()).isEqualTo(version);
        assertThat(jdbc.sql("SELECT result || ' ' || http_status || ' ' || error FROM crm_event WHERE source = 'crm' AND event_id = ?")
                .param(id).query(String.class).single()).isEqualTo("refused 409 conflict");
    }

    @Test
    void aStaleOrFutureTimestampIsRefusedWithAClearErrorAndChangesNothing() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Старого Запроса");
        String id = eventId();
        String body = "{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\"}".formatted(id, deal.id());

        long sixMinutesAgo = now() - 360;
        HttpResponse<String> stale = post(body, sixMinutesAgo, sign(sixMinutesAgo, body, SECRET));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(json(stale).path("error").asString()).isEqualTo("stale_timestamp");
        assertThat(json(stale).path("message").asString()).contains("X-Partnerka-Timestamp").contains("300 s");
        long inSixMinutes = now() + 360;
        assertThat(json(post(body, inSixMinutes, sign(inSixMinutes, body, SECRET))).path("error").asString())
                .isEqualTo("stale_timestamp");
        assertThat(crmEvents(id)).isZero();
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");

        // four minutes off is inside the window
        long fourMinutesAgo = now() - 240;
        assertThat(post(body, fourMinutesAgo, sign(fourMinutesAgo, body, SECRET)).statusCode()).isEqualTo(200);
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("in_progress");
    }

    @Test
    void aSignatureWithoutTheTimestampIsRefused() throws Exception {
        ChatTester anna = approvedPartner("Анна");
        DealView deal = submit(anna, "Клиент Без Времени");
        String id = eventId();
        String body = "{\"event_id\": \"%s\", \"deal_id\": %d, \"status\": \"in_progress\"}".formatted(id, deal.id());
        String bodyOnly = hmac(body, SECRET); // the contract before the window: the body alone

        HttpResponse<String> noHeader = post(body, null, bodyOnly);
        assertThat(noHeader.statusCode()).isEqualTo(401);
        assertThat(json(noHeader).path("error").asString()).isEqualTo("missing_timestamp");
        assertThat(json(noHeader).path("message").asString()).contains("X-Partnerka-Timestamp");
        HttpResponse<String> notInBase = post(body, now(), bodyOnly);
        assertThat(notInBase.statusCode()).isEqualTo(401);
        assertThat(json(notInBase).path("error").asString()).isEqualTo("bad_signature");
        assertThat(post(body, null, sign(now(), body, SECRET)).statusCode()).isEqualTo(401);
        assertThat(crmEvents(id)).isZero();
        assertThat(deals.find(deal.id()).orElseThrow().status()).isEqualTo("new");
    }
}
