package io.partnerka.crm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@code X-Partnerka-Signature: sha256=<hex>}: HMAC-SHA256 of the raw body under the shared secret. */
final class Signatures {

    static final String HEADER = "X-Partnerka-Signature";
    private static final String PREFIX = "sha256=";

    private Signatures() {
    }

    static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time check of a header value against the body. */
    static boolean verify(byte[] body, String header, String secret) {
        if (header == null || secret == null) return false;
        String given = header.strip().toLowerCase(Locale.ROOT);
        if (!given.startsWith(PREFIX)) return false;
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII),
                sign(body, secret).getBytes(StandardCharsets.US_ASCII));
    }
}
