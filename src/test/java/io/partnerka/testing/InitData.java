package io.partnerka.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Telegram Mini App initData signed the way Telegram documents it, written here independently of the application's
 * code: data-check string = the fields but hash, sorted, "key=value" joined by "\n"; secret = HMAC-SHA256(key
 * "WebAppData", bot token); hash = hex HMAC-SHA256(key secret, data-check string).
 */
public final class InitData {

    /** The sandbox's own token (what the sandbox signs with when no bot token is configured). */
    public static final String SANDBOX_TOKEN = "sandbox:partnerka-mini-app";

    private InitData() {
    }

    public static String signed(String botToken, long userId, String firstName, String language, Instant authDate) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("auth_date", String.valueOf(authDate.getEpochSecond()));
        fields.put("query_id", "AAH" + userId);
        fields.put("user", "{\"id\":" + userId + ",\"first_name\":\"" + firstName + "\",\"last_name\":\"\",\"language_code\":\""
                + language + "\",\"allows_write_to_pm\":true}");
        StringJoiner check = new StringJoiner("\n");
        fields.forEach((k, v) -> check.add(k + "=" + v));
        String hash = HexFormat.of().formatHex(hmac(hmac("WebAppData".getBytes(StandardCharsets.UTF_8),
                botToken.getBytes(StandardCharsets.UTF_8)), check.toString().getBytes(StandardCharsets.UTF_8)));
        StringJoiner out = new StringJoiner("&");
        fields.forEach((k, v) -> out.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.add("hash=" + hash).toString();
    }

    public static String signed(String botToken, long userId, String firstName, String language) {
        return signed(botToken, userId, firstName, language, Instant.now());
    }

    /** The header value for a request. */
    public static String header(String botToken, long userId, String firstName, String language) {
        return "tma " + signed(botToken, userId, firstName, language);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
