package io.partnerka.telegram;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Webhook mode: Telegram posts each update here. It is answered 200 only once recorded in the inbox; when the
 * database is unavailable for a while the answer is 503 and Telegram delivers the update again later.
 * <p>
 * Nothing is read before the secret header is checked (401 without it, 403 when wrong), and then at most
 * {@code partnerka.telegram.webhook-max-body} bytes (1 MiB; Telegram's updates are a few KiB): a larger declared
 * Content-Length is refused at once, a chunked body is cut at the cap, both 413. The unread rest is Tomcat's to
 * swallow (up to server.tomcat.max-swallow-size) or to drop with the connection.
 */
@RestController
@Conditional(TelegramModes.OnWebhook.class)
class WebhookController {

    static final String PATH = "/telegram/webhook";
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final UpdateReceiver receiver;
    private final WebhookSecret secret;

    private final int maxBody;

    WebhookController(UpdateReceiver receiver, TelegramProperties properties,
                      @Value("${partnerka.telegram.webhook-max-body:1MB}") DataSize maxBody) {
        this.receiver = receiver;
        this.secret = WebhookSecret.of(properties);
        this.maxBody = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, maxBody.toBytes()));
    }

    /** The body is taken from the request itself, not as a {@code @RequestBody}: Spring would read it all first. */
    @PostMapping(PATH)
    ResponseEntity<Void> update(@RequestHeader(value = SECRET_HEADER, required = false) String given,
                                HttpServletRequest request) throws IOException {
        if (given == null) {
            log.warn("Webhook call without the secret header refused");
            return ResponseEntity.status(401).build();
        }
        if (!secret.matches(given)) {
            log.warn("Webhook call with a wrong secret refused");
            return ResponseEntity.status(403).build();
        }
        if (request.getContentLengthLong() > maxBody) return tooLarge();
        byte[] body = request.getInputStream().readNBytes(maxBody + 1); // never more than the cap in memory
        if (body.length > maxBody) return tooLarge();
        Update update;
        try {
            if (body.length == 0) throw new IllegalArgumentException("empty body");
            update = TelegramJson.read(body);
            // the JSON literal null reads as no update at all
            if (update == null) throw new IllegalArgumentException("null is not an update");
        } catch (IllegalArgumentException e) {
            log.warn("Webhook body is not an update ({})", Failures.describe(e));
            return ResponseEntity.badRequest().build();
        }
        return receiver.storeTogether(update, MAX_WAIT) ? ResponseEntity.ok().build()
                : ResponseEntity.status(503).build();
    }

    private ResponseEntity<Void> tooLarge() {
        log.warn("Webhook body over {} bytes refused", maxBody);
        // the rest of the body stays unread: the connection is not reused
        return ResponseEntity.status(413).header(HttpHeaders.CONNECTION, "close").build();
    }
}
