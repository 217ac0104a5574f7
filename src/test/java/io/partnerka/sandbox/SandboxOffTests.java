package io.partnerka.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * With a bot token the sandbox does not exist: "/" is a status page, the API and its assets are not there. Production
 * mode also hides the OpenAPI document and Swagger UI, and without a metrics token /actuator/prometheus is not there.
 */
@PartnerkaTest
@TestPropertySource(properties = {
        "partnerka.telegram.token=123456:sandbox-off-test",
        // no metrics token (the test profile sets one): the endpoint must not be reachable at all
        "partnerka.metrics.token=",
        // nothing listens there: the bot's own calls fail fast and are only logged
        "partnerka.telegram.api-url=http://127.0.0.1:9"})
class SandboxOffTests {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).headers(headers).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiDocsAndSwaggerUiAreOffInProductionAndMetricsWithoutATokenAreNotThere() throws Exception {
        assertThat(get("/v3/api-docs").statusCode()).isEqualTo(404);
        assertThat(get("/v3/api-docs/swagger-config").statusCode()).isEqualTo(404);
        assertThat(get("/swagger-ui.html").statusCode()).isEqualTo(404);
        assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/prometheus", "Authorization", "Bearer test-metrics-token-0123456789").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theRootIsAStatusPageAndTheSandboxIsGone() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("Partnerka").contains("talks to Telegram").doesNotContain("sandbox.js");

        assertThat(get("/sandbox/api/personas").statusCode()).isEqualTo(404);
        assertThat(get("/sandbox/api/chats/1001").statusCode()).isEqualTo(404);
        assertThat(get("/sandbox/assets/sandbox.js").statusCode()).isEqualTo(404);
        assertThat(context.getBeansOfType(SandboxTelegramClient.class)).isEmpty();
        assertThat(context.getBeansOfType(SandboxActions.class)).isEmpty();
    }
}
