package io.partnerka.requisites;

import io.partnerka.platform.RunMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps full payout numbers unreadable at rest: AES-256-GCM with the key {@code partnerka.requisites.key} (base64 of
 * 32 bytes, env PARTNERKA_REQUISITES_KEY), kept outside the database. A sealed value names its key
 * ({@code v2:<key id>:<iv+ciphertext>}, the key id being the first 8 hex digits of the key's SHA-256), so keys can be
 * rotated: the current key seals, older ones ({@code partnerka.requisites.old-keys}) still open, and
 * {@link Requisites#resealAll()} moves everything to the current key. Values of earlier versions ({@code v1:}, no key
 * id) open with any known key, including the key earlier versions generated into the {@code app_secret} table.
 * <p>
 * Only the sandbox (nothing configured) may run without a configured key: it then uses a key generated into
 * {@code app_secret} and says so. In production {@link RequisitesKeyCheck} refuses to start without one.
 * <p>
 * Fingerprints (HMAC-SHA256 under a key derived from the encryption key, prefixed by the key id) tell whether a
 * number changed without decrypting it.
 */
@Component
class Vault {

    static final String KEY = "partnerka.requisites.key";
    static final String OLD_KEYS = "partnerka.requisites.old-keys";
    static final String LEGACY_SECRET = "requisites-key";
    private static final String V1 = "v1:", V2 = "v2:";
    private static final Logger log = LoggerFactory.getLogger(Vault.class);

    private final Key current;
    /** Every key that may open a value, the current one first. */
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final boolean currentFromDatabase;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    Vault(JdbcClient jdbc, Environment env) {
        this(jdbc, env.getProperty(KEY), env.getProperty(OLD_KEYS), RunMode.production(env));
    }

    /**
     * @param configured the current key (base64), or blank: then (sandbox only) the key generated into app_secret
     * @param oldKeys    comma-separated base64 keys that only open values
     */
    Vault(JdbcClient jdbc, String configured, String oldKeys, boolean production) {
        byte[] legacy = jdbc.sql("SELECT value FROM app_secret WHERE name = ?").param(LEGACY_SECRET)
                .query(String.class).optional().map(v -> Base64.getDecoder().decode(v)).orElse(null);
        if (configured != null && !configured.isBlank()) {
            current = new Key(parse(configured, KEY));
            currentFromDatabase = false;
        } else if (production) {
            throw new RequisitesKeyCheck.KeyProblem(RequisitesKeyCheck.MISSING + " " + RequisitesKeyCheck.ACTION);
        } else {
            if (legacy == null) {
                byte[] fresh = new byte[32];
                random.nextBytes(fresh);
                jdbc.sql("INSERT INTO app_secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                        .params(LEGACY_SECRET, Base64.getEncoder().encodeToString(fresh)).update();
                legacy = Base64.getDecoder().decode(jdbc.sql("SELECT value FROM app_secret WHERE name = ?")
                        .param(LEGACY_SECRET).query(String.class).single());
            }
            current = new Key(legacy);
            currentFromDatabase = true;
            log.warn("Requisites key: a sandbox key kept in the database (app_secret); set PARTNERKA_REQUISITES_KEY "
                    + "(openssl rand -base64 32) before real payout details are entered");
        }
        keys.put(current.id, current);
        List<byte[]> openOnly = parseList(oldKeys);
        if (legacy != null) openOnly.add(legacy);
        for (byte[] raw : openOnly) {
            Key k = new Key(raw);
            keys.putIfAbsent(k.id, k);
        }
        if (keys.size() > 1) {
            log.info("Requisites key {} seals; {} older key(s) still open values until re-sealed", current.id, keys.size() - 1);
        }
    }

    /** A key from its base64 form, or a clear refusal (the value itself is never part of the message). */
    static byte[] parse(String base64, String what) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new RequisitesKeyCheck.KeyProblem(what + " is not base64; make a key with `openssl rand -base64 32`");
        }
        if (raw.length != 32) {
            throw new RequisitesKeyCheck.KeyProblem(what + " must be base64 of 32 bytes (it has " + raw.length
                    + "); make a key with `openssl rand -base64 32`");
        }
        return raw;
    }

    static List<byte[]> parseList(String commaSeparated) {
        List<byte[]> out = new ArrayList<>();
        if (commaSeparated == null) return out;
        for (String k : commaSeparated.split(",")) {
            if (!k.isBlank()) out.add(parse(k, OLD_KEYS));
        }
        return out;
    }

    /** The id of the key that seals now. */
    String keyId() {
        return current.id;
    }

    /** Whether the current key is the one generated into the database (sandbox), not a configured one. */
    boolean currentKeyFromDatabase() {
        return currentFromDatabase;
    }

    String encrypt(String plain) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            String header = V2 + current.id + ":";
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.aes, new GCMParameterSpec(128, iv));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return header + Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain text, or null when no known key opens the value (tampered, foreign, or its key was dropped). */
    String decrypt(String sealed) {
        if (sealed == null) return null;
        if (sealed.startsWith(V2)) {
            int colon = sealed.indexOf(':', V2.length());
            if (colon < 0) return null;
            Key key = keys.get(sealed.substring(V2.length(), colon));
            return key == null ? null : open(key, sealed.substring(colon + 1), sealed.substring(0, colon + 1));
        }
        if (sealed.startsWith(V1)) {
            // earlier versions did not name the key: the tag tells which one fits
            for (Key key : keys.values()) {
                String plain = open(key, sealed.substring(V1.length()), null);
                if (plain != null) return plain;
            }
        }
        return null;
    }

    private static String open(Key key, String body, String aad) {
        try {
            byte[] all = Base64.getUrlDecoder().decode(body);
            if (all.length < 12 + 16) return null;
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.aes, new GCMParameterSpec(128, all, 0, 12));
            if (aad != null) cipher.updateAAD(aad.getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Sealed with the current key (nothing to re-seal). */
    boolean sealedWithCurrentKey(String sealed) {
        return sealed != null && sealed.startsWith(V2 + current.id + ":");
    }

    /** The fingerprint under the current key: {@code <key id>:<32 hex>}. */
    String fingerprint(String plain) {
        return current.id + ":" + current.hmac(plain);
    }

    boolean fingerprintOfCurrentKey(String fingerprint) {
        return fingerprint != null && fingerprint.startsWith(current.id + ":");
    }

    /** Which key a fingerprint was made with: its key id, or "" for fingerprints of earlier versions. */
    static String fingerprintKey(String fingerprint) {
        int colon = fingerprint == null ? -1 : fingerprint.indexOf(':');
        return colon < 0 ? "" : fingerprint.substring(0, colon);
    }

    /** One key: its id, the AES key, and the fingerprint key derived from it (never the same bytes for both uses). */
    private static final class Key {
        private static final byte[] FINGERPRINT_INFO = "partnerka/requisites/fingerprint".getBytes(StandardCharsets.US_ASCII);
        final String id;
        final SecretKeySpec aes;
        final SecretKeySpec fingerprint;

        Key(byte[] raw) {
            this.id = id(raw);
            this.aes = new SecretKeySpec(raw, "AES");
            // HKDF-Expand (RFC 5869) with the random key as PRK: T(1) = HMAC(key, info || 0x01)
            byte[] info = Arrays.copyOf(FINGERPRINT_INFO, FINGERPRINT_INFO.length + 1);
            info[info.length - 1] = 1;
            this.fingerprint = new SecretKeySpec(hmac(raw, info), "HmacSHA256");
        }

        String hmac(String plain) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(fingerprint);
                return HexFormat.of().formatHex(mac.doFinal(("fp:" + plain).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static String id(byte[] raw) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)).substring(0, 8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] hmac(byte[] key, byte[] data) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
