package io.partnerka.crm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/**
 * POSTs an envelope to {@code partnerka.crm.webhook-url}, signed like the inbound events:
 * {@code X-Partnerka-Timestamp: <unix seconds of this attempt>} and
 * {@code X-Partnerka-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}, plus {@code X-Partnerka-Event} (the type) and
 * {@code X-Partnerka-Delivery} (the event id, the same on every retry: receivers dedupe by it). Any 2xx is delivered.
 */
@Component
class WebhookTransport implements CrmDeliverySender.Transport {

    private final CrmSettings settings;
    private final HttpClient http;

    WebhookTransport(CrmSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout).build();
    }

    @Override
    public void send(CrmDeliverySender.Delivery d) throws Exception {
        if (!settings.webhooksOn()) throw new IllegalStateException("partnerka.crm.webhook-url is not set");
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.webhookUrl))
                .timeout(settings.timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Partnerka")
                .header("X-Partnerka-Event", d.eventType())
                .header("X-Partnerka-Delivery", d.eventId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.secret != null) {
            // signed at each attempt: a retry hours later still arrives inside the receiver's window
            long timestamp = java.time.Instant.now().getEpochSecond();
            request.header(Signatures.TIMESTAMP, Long.toString(timestamp))
                    .header(Signatures.HEADER, Signatures.sign(timestamp, body, settings.secret));
        }
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) throw new IllegalStateException("webhook answered HTTP " + response.statusCode());
    }
}
