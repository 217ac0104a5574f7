package io.partnerka.conversation;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Signs inline-button data with a key only the server knows, bound to the chat it was sent to, so a forged or
 * copied button is recognised and refused. Telegram allows 64 bytes: payload + '#' + 8 signature characters.
 */
@Component
class CallbackCodec {

    static final int MAX_PAYLOAD = 64 - 9;
    private final byte[] key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    CallbackCodec(JdbcClient jdbc) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        jdbc.sql("INSERT INTO app_secret (name, value) VALUES ('callback-key', ?) ON CONFLICT (name) DO NOTHING")
                .param(Base64.getEncoder().encodeToString(fresh)).update();
        this.key = Base64.getDecoder().decode(jdbc.sql("SELECT value FROM app_secret WHERE name = 'callback-key'")
                .query(String.class).single());
    }

    String sign(long chatId, String payload) {
        if (payload.length() > MAX_PAYLOAD || payload.indexOf('#') >= 0) {
            throw new IllegalArgumentException("Callback payload too long or contains '#': " + payload);
        }
        return payload + "#" + signature(chatId, payload);
    }

    /** The payload when the data was signed by us for this chat, else null. */
    String verify(long chatId, String data) {
        if (data == null) return null;
        int hash = data.lastIndexOf('#');
        if (hash < 0) return null;
        String payload = data.substring(0, hash);
        String given = data.substring(hash + 1);
        return java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII),
                signature(chatId, payload).getBytes(StandardCharsets.US_ASCII)) ? payload : null;
    }

    private String signature(long chatId, String payload) {
        // doFinal resets the Mac for the next use; one per thread, since looking one up costs more than the HMAC
        byte[] sig = macs.get().doFinal((chatId + ":" + payload).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sig).substring(0, 8);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
