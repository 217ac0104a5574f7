package io.partnerka.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Prometheus endpoint: refused without the bearer token (401) and with a wrong one (403); with the right one it
 * shows the partnerka.* meters counting — an update driven through the sandbox is received and processed, a payout
 * request is counted. Runs in the payout tests' context (sandbox mode, the test profile's metrics token), where the
 * OpenAPI document is on.
 */
class MetricsEndpointTests extends PayoutTestBase {

    static final String TOKEN = "test-metrics-token-0123456789";

    @LocalServerPort int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = get("/actuator/prometheus", "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The sum of a meter's samples over all its tags (lines "name{tags} value"), filtered by a tag fragment. */
    static double sum(String scrape, String name, String tagFragment) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> tagFragment == null || l.contains(tagFragment))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theEndpointNeedsTheTokenAndCountsUpdatesAndPayouts() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/prometheus");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).doesNotContain("partnerka_");
        assertThat(get("/actuator/prometheus", "Authorization", "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(403);
        assertThat(get("/actuator/prometheus", "Authorization", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/metrics").statusCode()).isEqualTo(404);   // only health and prometheus are exposed
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/v3/api-docs").statusCode()).isEqualTo(200);        // the sandbox keeps the API documentation

        String before = scrape();
        double processedBefore = sum(before, "partnerka_updates_processed_total", null);
        double requestedBefore = sum(before, "partnerka_payouts_total", "step=\"requested\"");

        // one update through the sandbox: received into the inbox, processed by a worker
        String persona = post("/sandbox/api/personas", "{\"firstName\":\"Метрика\",\"language\":\"ru\"}").body();
        long chat = JsonMapper.builder().build().readTree(persona).get("id").asLong();
        assertThat(post("/sandbox/api/chats/" + chat + "/messages", "{\"text\":\"/help\"}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String now = scrape();
            // the answer went out through the sandbox's client, too
            return sum(now, "partnerka_updates_processed_total", "kind=\"private\"") >= processedBefore + 1
                    && sum(now, "partnerka_messages_sent_total", null) >= 1;
        });

        // one payout request
        ChatTester partner = approvedPartner("Мирон Метрикин");
        paidDeal(partner, "Клиент Метрики", "100000");
        approvedRequisites(partner, "Мирон Метрикин");
        payouts.request(partner.userId(), new BigDecimal("1000"), "RUB", "metrics-" + System.nanoTime());

        String after = scrape();
        assertThat(sum(after, "partnerka_updates_processed_total", null)).isGreaterThanOrEqualTo(1);
        assertThat(sum(after, "partnerka_updates_received_total", null)).isGreaterThanOrEqualTo(1);
        assertThat(sum(after, "partnerka_payouts_total", "step=\"requested\"")).isGreaterThanOrEqualTo(requestedBefore + 1);
        assertThat(sum(after, "partnerka_updates_processing_seconds_count", "kind=\"private\"")).isGreaterThanOrEqualTo(1);
        assertThat(after).contains("partnerka_updates_processing_seconds_bucket{")
                .contains("partnerka_inbox_backlog{").contains("partnerka_outbox_backlog{")
                .contains("partnerka_messages_sent_total{").contains("partnerka_messages_throttled_total{")
                .contains("partnerka_messages_retries_total{").contains("partnerka_chats_unreachable_total{")
                .contains("partnerka_drip_due_total{").contains("partnerka_quartz_misfires_total{")
                .contains("partnerka_crm_events_total{").contains("partnerka_payouts_total{");
    }
}
