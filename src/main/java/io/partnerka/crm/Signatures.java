package io.partnerka.crm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CRM contract's signature, the same both ways: {@code X-Partnerka-Timestamp: <unix seconds>} and
 * {@code X-Partnerka-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under the shared secret>}. The
 * timestamp is part of what is signed, so a captured request cannot be made fresh again, and a receiver refuses one
 * whose timestamp is further than the allowed skew from its clock.
 */
final class Signatures {

    static final String HEADER = "X-Partnerka-Signature";
    static final String TIMESTAMP = "X-Partnerka-Timestamp";
    private static final String PREFIX = "sha256=";

    private Signatures() {
    }

    static String sign(long timestamp, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The timestamp header as unix seconds, or null when it is missing or not a plain number. */
    static Long timestamp(String header) {
        if (header == null) return null;
        String t = header.strip();
        return t.matches("\\d{1,12}") ? Long.valueOf(t) : null;
    }

    /** Constant-time check of a signature header against the timestamp and the body. */
    static boolean verify(long timestamp, byte[] body, String header, String secret) {
        if (header == null || secret == null) return false;
        String given = header.strip().toLowerCase(Locale.ROOT);
        if (!given.startsWith(PREFIX)) return false;
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII),
                sign(timestamp, body, secret).getBytes(StandardCharsets.US_ASCII));
    }

    /** How far {@code timestamp} is from {@code now}, in seconds (either direction). */
    static long skewSeconds(long timestamp, Instant now) {
        return Math.abs(now.getEpochSecond() - timestamp);
    }

    static boolean fresh(long timestamp, Instant now, Duration maxSkew) {
        return skewSeconds(timestamp, now) <= maxSkew.toSeconds();
    }
}
