package io.partnerka.telegram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret Telegram repeats in {@code X-Telegram-Bot-Api-Secret-Token} on every webhook call: the configured one,
 * or one derived from the bot token (the same on every instance), so the webhook is never open to anyone.
 */
final class WebhookSecret {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final String value;

    private WebhookSecret(String value) {
        this.value = value;
    }

    static WebhookSecret of(TelegramProperties properties) {
        String configured = properties.webhookSecret();
        if (configured != null && !configured.isBlank()) {
            if (!ALLOWED.matcher(configured.strip()).matches()) {
                throw new IllegalArgumentException("partnerka.telegram.webhook-secret must be 1-256 characters of A-Z a-z 0-9 _ -");
            }
            return new WebhookSecret(configured.strip());
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(properties.token().strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal("partnerka-webhook-secret".getBytes(StandardCharsets.UTF_8));
            return new WebhookSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String value() {
        return value;
    }

    /** Constant-time comparison. */
    boolean matches(String given) {
        return given != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "WebhookSecret[***]";
    }
}
