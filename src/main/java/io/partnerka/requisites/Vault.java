package io.partnerka.requisites;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps full payout numbers unreadable at rest: AES-256-GCM with the key {@code partnerka.requisites.key} (base64 of
 * 32 bytes, env PARTNERKA_REQUISITES_KEY). Without it a random key is generated once and kept in the database's
 * {@code app_secret} table: that still keeps numbers out of dumps of the requisites table, drafts and logs, but a
 * production install should set its own key outside the database. Fingerprints (HMAC) tell whether a number changed
 * without decrypting it.
 */
@Component
class Vault {

    private static final String PREFIX = "v1:";
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    Vault(JdbcClient jdbc, @Value("${partnerka.requisites.key:}") String configured) {
        byte[] raw;
        if (configured != null && !configured.isBlank()) {
            raw = Base64.getDecoder().decode(configured.strip());
            if (raw.length != 32) throw new IllegalStateException("partnerka.requisites.key must be base64 of 32 bytes");
        } else {
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            jdbc.sql("INSERT INTO app_secret (name, value) VALUES ('requisites-key', ?) ON CONFLICT (name) DO NOTHING")
                    .param(Base64.getEncoder().encodeToString(fresh)).update();
            raw = Base64.getDecoder().decode(jdbc.sql("SELECT value FROM app_secret WHERE name = 'requisites-key'")
                    .query(String.class).single());
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    String encrypt(String plain) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain text, or null when the value was not sealed with this key (tampered or foreign). */
    String decrypt(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) return null;
        try {
            byte[] all = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    String fingerprint(String plain) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("fp:" + plain).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
