package io.partnerka.telegram;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Webhook mode: Telegram posts each update here. It is answered 200 only once recorded in the inbox; when the
 * database is unavailable for a while the answer is 503 and Telegram delivers the update again later.
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

    WebhookController(UpdateReceiver receiver, TelegramProperties properties) {
        this.receiver = receiver;
        this.secret = WebhookSecret.of(properties);
    }

    @PostMapping(PATH)
    ResponseEntity<Void> update(@RequestHeader(value = SECRET_HEADER, required = false) String given,
                                @RequestBody(required = false) byte[] body) {
        if (given == null) {
            log.warn("Webhook call without the secret header refused");
            return ResponseEntity.status(401).build();
        }
        if (!secret.matches(given)) {
            log.warn("Webhook call with a wrong secret refused");
            return ResponseEntity.status(403).build();
        }
        Update update;
        try {
            if (body == null || body.length == 0) throw new IllegalArgumentException("empty body");
            update = TelegramJson.read(body);
            // the JSON literal null reads as no update at all
            if (update == null) throw new IllegalArgumentException("null is not an update");
        } catch (IllegalArgumentException e) {
            log.warn("Webhook body is not an update ({})", Failures.describe(e));
            return ResponseEntity.badRequest().build();
        }
        return receiver.store(List.of(update), MAX_WAIT) ? ResponseEntity.ok().build()
                : ResponseEntity.status(503).build();
    }
}
