package io.partnerka.miniapp;

import io.partnerka.platform.RunMode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Telegram's Mini App {@code initData}: checked exactly as Telegram documents it ("Validating data received via the
 * Mini App"): the data-check string is every field but {@code hash}, sorted by key, {@code key=value} joined with
 * a line feed; the secret key is HMAC-SHA256 of the bot token under the key {@code WebAppData}; the hex HMAC-SHA256 of
 * the data-check string under the secret must equal {@code hash} (compared in constant time), and {@code auth_date}
 * must be recent. The token is the bot's ({@code partnerka.telegram.token}); the sandbox, which has no bot, signs
 * with a token of its own ({@code partnerka.sandbox.token}) through {@link #sign}.
 */
@Component
public class MiniAppSigner {

    /** The sandbox's own "bot token" when none is configured: the sandbox is local and plays every persona anyway. */
    static final String SANDBOX_DEFAULT_TOKEN = "sandbox:partnerka-mini-app";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final byte[] secret;
    /** A Mac keyed with the secret per thread: looking one up and keying it was a third of the check's time under load. */
    private final ThreadLocal<Mac> verifier;
    private final Duration maxAge;
    private final Duration skew;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    MiniAppSigner(Environment env, @Value("${partnerka.miniapp.max-age:24h}") Duration maxAge,
                  @Value("${partnerka.miniapp.clock-skew:1m}") Duration skew) {
        this(token(env), maxAge, skew, Clock.systemUTC());
    }

    MiniAppSigner(String token, Duration maxAge, Duration skew, Clock clock) {
        this.secret = token == null ? null : hmac("WebAppData".getBytes(StandardCharsets.UTF_8), token);
        this.verifier = ThreadLocal.withInitial(() -> mac(secret));
        this.maxAge = maxAge;
        this.skew = skew;
        this.clock = clock;
    }

    /** The bot's token; in the sandbox (no bot) the sandbox's own; none otherwise (then every request is refused). */
    private static String token(Environment env) {
        String bot = env.getProperty(RunMode.TOKEN);
        if (bot != null && !bot.isBlank()) return bot.strip();
        if (RunMode.sandbox(env)) return env.getProperty("partnerka.sandbox.token", SANDBOX_DEFAULT_TOKEN);
        return null;
    }

    /** A checked person from initData. */
    record Verified(long userId, String firstName, String lastName, String username, String languageCode, Instant authDate) {

        String name() {
            String full = (firstName == null ? "" : firstName) + (lastName == null || lastName.isBlank() ? "" : " " + lastName);
            return full.isBlank() ? (username == null ? "id " + userId : "@" + username) : full.strip();
        }
    }

    /** Why initData was refused (logged, never shown in detail: the answer is a plain 401). */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    Verified verify(String initData) throws Refused {
        if (secret == null) throw new Refused("no bot token: the Mini App is off");
        if (initData == null || initData.isBlank() || initData.length() > 8192) throw new Refused("empty or oversized initData");
        Map<String, String> fields = new TreeMap<>();
        for (String pair : initData.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq < 1) throw new Refused("malformed initData");
            String key, value;
            try {
                key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Refused("malformed initData encoding");
            }
            if (fields.put(key, value) != null) throw new Refused("duplicate field " + key);
        }
        String hash = fields.remove("hash");
        if (hash == null || !hash.matches("[0-9a-fA-F]{64}")) throw new Refused("no hash");
        String dataCheck = fields.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        byte[] expected = verifier.get().doFinal(dataCheck.getBytes(StandardCharsets.UTF_8));
        if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(hash.toLowerCase(java.util.Locale.ROOT)))) {
            throw new Refused("wrong hash");
        }
        Instant authDate;
        try {
            authDate = Instant.ofEpochSecond(Long.parseLong(fields.getOrDefault("auth_date", "")));
        } catch (NumberFormatException e) {
            throw new Refused("no auth_date");
        }
        Instant now = clock.instant();
        if (authDate.isBefore(now.minus(maxAge))) throw new Refused("auth_date too old");
        if (authDate.isAfter(now.plus(skew))) throw new Refused("auth_date in the future");
        String user = fields.get("user");
        if (user == null) throw new Refused("no user");
        JsonNode u;
        try {
            u = JSON.readTree(user);
        } catch (RuntimeException e) {
            throw new Refused("user is not JSON");
        }
        JsonNode id = u.get("id");
        if (id == null || !id.isIntegralNumber() || id.asLong() <= 0) throw new Refused("no user id");
        return new Verified(id.asLong(), text(u, "first_name"), text(u, "last_name"), text(u, "username"),
                text(u, "language_code"), authDate);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    /**
     * initData for a person, signed now with this application's token (the sandbox opens the Mini App with it; a
     * test or a benchmark may use it too). It looks like what Telegram sends: {@code auth_date}, {@code query_id},
     * {@code user} (JSON) and {@code hash}.
     */
    public String sign(long userId, String firstName, String languageCode) {
        return sign(userId, firstName, languageCode, clock.instant());
    }

    String sign(long userId, String firstName, String languageCode, Instant authDate) {
        if (secret == null) throw new IllegalStateException("No bot token: nothing to sign Mini App data with");
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", userId);
        user.put("first_name", firstName == null ? "" : firstName);
        if (languageCode != null) user.put("language_code", languageCode);
        user.put("allows_write_to_pm", true);
        Map<String, String> fields = new TreeMap<>();
        fields.put("auth_date", String.valueOf(authDate.getEpochSecond()));
        fields.put("query_id", "SANDBOX" + Long.toHexString(userId) + Long.toHexString(authDate.getEpochSecond()));
        fields.put("user", JSON.writeValueAsString(user));
        String dataCheck = fields.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        String hash = HexFormat.of().formatHex(hmac(secret, dataCheck));
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")).append('&'));
        return out.append("hash=").append(hash).toString();
    }

    private static byte[] hmac(byte[] key, String message) {
        return mac(key).doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean enabled() {
        return secret != null;
    }
}
