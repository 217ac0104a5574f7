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

/** With a bot token the sandbox does not exist: "/" is a status page, the API and its assets are not there. */
@PartnerkaTest
@TestPropertySource(properties = {
        "partnerka.telegram.token=123456:sandbox-off-test",
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
