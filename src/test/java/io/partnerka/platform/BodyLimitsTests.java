package io.partnerka.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every endpoint's body is bounded: above its cap the answer is 413 with a short reason (never a 500, never a body
 * read in full), whether the length is declared or the body comes chunked; bodies within the caps work as before.
 */
@PartnerkaTest
class BodyLimitsTests {

    private static final int MiB = 1024 * 1024;
    private static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSandboxUploadOverTwentyMegabytesIs413() throws Exception {
        long chat = persona();
        String path = "/sandbox/api/chats/" + chat + "/document?name=big.bin";

        HttpResponse<String> declared = send(path, "application/octet-stream", null,
                HttpRequest.BodyPublishers.ofByteArray(new byte[20 * MiB + 1]));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("\"error\":\"The request body is larger than 20480 KiB\"");

        assertThat(send(path, "application/octet-stream", null, chunked(25 * MiB)).statusCode()).as("chunked").isEqualTo(413);
        assertThat(send(path, "application/octet-stream", null, chunked(300 * MiB)).statusCode()).as("chunked, 300 MB").isEqualTo(413);

        HttpResponse<String> small = send(path, "application/octet-stream", null, chunked(1000));
        assertThat(small.statusCode()).as("a chunked file within the cap: " + small.body()).isEqualTo(200);
        assertThat(small.body()).contains("\"size\":1000");
    }

    @Test
    void anApiBodyOverTheCapIs413NotA500() throws Exception {
        String path = "/api/v1/deals/1/changes";
        String big = "{\"status\":\"lost\",\"comment\":\"" + "x".repeat(300 * 1024) + "\"}";

        HttpResponse<String> declared = send(path, "application/json", ADMIN_TOKEN, HttpRequest.BodyPublishers.ofString(big));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(declared.body()).contains("larger than 256 KiB");
        assertThat(send(path, "application/json", ADMIN_TOKEN, chunked(2 * MiB)).statusCode()).as("chunked").isEqualTo(413);
        assertThat(send(path, "application/json", null, chunked(2 * MiB)).statusCode()).as("no token: still not read").isEqualTo(413);

        HttpResponse<String> withinCap = send(path, "application/json", ADMIN_TOKEN,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("{not json".getBytes())));
        assertThat(withinCap.statusCode()).as("a chunked body within the cap reaches the API").isEqualTo(400);
    }

    @Test
    void theCrmEndpointsAndTheAdminFormsAreBoundedToo() throws Exception {
        assertThat(send("/api/crm/deals/events", "application/json", null, chunked(MiB)).statusCode()).isEqualTo(413);
        assertThat(send("/api/crm/deals/events", "application/json", null,
                HttpRequest.BodyPublishers.ofByteArray(new byte[300 * 1024])).statusCode()).isEqualTo(413);

        String form = "username=boss&password=" + "x".repeat(300 * 1024);
        assertThat(send("/admin/login", "application/x-www-form-urlencoded", null,
                HttpRequest.BodyPublishers.ofString(form)).statusCode()).as("a login form over the cap").isEqualTo(413);
        assertThat(send("/api/crm/bitrix24/events", "application/x-www-form-urlencoded", null,
                HttpRequest.BodyPublishers.ofString(form)).statusCode()).as("a Bitrix24 form over the cap").isEqualTo(413);
        int chunkedForm = send("/api/crm/bitrix24/events", "application/x-www-form-urlencoded", null,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(form.getBytes()))).statusCode();
        assertThat(chunkedForm).as("a chunked form over Tomcat's max-http-form-post-size").isEqualTo(413);
    }

    private long persona() throws Exception {
        HttpResponse<String> r = send("/sandbox/api/personas", "application/json", null,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        "{\"firstName\":\"Груз\",\"language\":\"ru\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(r.statusCode()).as("a chunked JSON body within the cap: " + r.body()).isEqualTo(200);
        return Long.parseLong(r.body().replaceAll("^\\{\"id\":(\\d+),.*$", "$1"));
    }

    private HttpResponse<String> send(String path, String type, String token, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", type).POST(body);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body of {@code n} bytes without a declared length, made as it is sent. */
    private static HttpRequest.BodyPublisher chunked(long n) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            private long left = n;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int k = (int) Math.min(len, left);
                Arrays.fill(b, off, off + k, (byte) 'x');
                left -= k;
                return k;
            }
        });
    }
}
