package io.partnerka.requisites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnerka.PartnerkaApplication;
import io.partnerka.conversation.Notifier;
import io.partnerka.drip.Drips;
import io.partnerka.partner.Partners;
import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.ChatTester;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The requisites key: required in production (the start stops and says how to make one), a sandbox key only in the
 * sandbox (with a warning), and rotation: values sealed with an old key (or by an earlier version, without a key id)
 * still open, a re-seal moves everything (drafts of a form being filled in too) to the new key, after which the old
 * key can go; "did the number change?" stays right throughout.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequisitesKeyTests extends PayoutTestBase {

    private static final SecureRandom random = new SecureRandom();
    @Autowired Requisites requisites;
    @Autowired Resealer resealer;
    @Autowired Partners partners;
    @Autowired Notifier notifier;
    @Autowired Drips drips;
    @Value("${partnerka.requisites.key}") String testKey;

    @AfterEach
    void noKeyInTheDatabase() {
        jdbc.sql("DELETE FROM app_secret WHERE name = ?").param(Vault.LEGACY_SECRET).update();
    }

    @Test
    void aStartInProductionModeWithoutAKeyStopsAndSaysHowToMakeOne(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test").run(
                "--partnerka.telegram.token=123456:production-mode", "--partnerka.requisites.key=", "--spring.main.banner-mode=off"))
                .rootCause().isInstanceOf(RequisitesKeyCheck.KeyProblem.class)
                .hasMessageContaining("PARTNERKA_REQUISITES_KEY is not set")
                .hasMessageContaining("openssl rand -base64 32");
        assertThat(output.getAll()).as("Spring Boot's failure report, not just a stack trace")
                .contains("APPLICATION FAILED TO START").contains("PARTNERKA_REQUISITES_KEY is not set");
        // a key that is not 32 bytes is refused too, without repeating it
        assertThatThrownBy(() -> new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test").run(
                "--partnerka.telegram.token=123456:production-mode", "--partnerka.requisites.key=c2hvcnQta2V5", "--spring.main.banner-mode=off"))
                .rootCause().hasMessageContaining("32 bytes").hasMessageNotContaining("c2hvcnQta2V5");
    }

    @Test
    void onlyTheSandboxRunsOnAKeyFromTheDatabaseAndItSaysSo(CapturedOutput output) {
        assertThatThrownBy(() -> new Vault(jdbc, "", null, true)).hasMessageContaining("openssl rand -base64 32");
        Vault sandbox = new Vault(jdbc, "", null, false);
        assertThat(output.getAll()).contains("sandbox key");
        String stored = jdbc.sql("SELECT value FROM app_secret WHERE name = ?").param(Vault.LEGACY_SECRET).query(String.class).single();
        assertThat(sandbox.keyId()).isEqualTo(keyId(stored));
        assertThat(sandbox.currentKeyFromDatabase()).isTrue();
        // the same key on the next start (or on another instance)
        assertThat(new Vault(jdbc, "", null, false).decrypt(sandbox.encrypt("4111111111111111"))).isEqualTo("4111111111111111");
    }

    @Test
    void sealedValuesNameTheirKeyAndFingerprintsUseADerivedKey() {
        Vault vault = new Vault(jdbc, testKey, null, true);
        String sealed = vault.encrypt("4111111111111111");
        assertThat(sealed).startsWith("v2:" + keyId(testKey) + ":");
        assertThat(vault.decrypt(sealed)).isEqualTo("4111111111111111");
        // the key id is authenticated: moved to another id the value does not open
        assertThat(vault.decrypt(sealed.replace("v2:" + keyId(testKey), "v2:00000000"))).isNull();
        assertThat(vault.fingerprint("card:4111111111111111")).startsWith(keyId(testKey) + ":")
                .doesNotContain(legacyFingerprint(testKey, "card:4111111111111111"));
        assertThat(new Vault(jdbc, newKey(), null, true).decrypt(sealed)).as("another key").isNull();
    }

    @Test
    void afterARotationOldValuesStillOpenAndAResealMovesEverythingToTheNewKey() {
        ChatTester anna = approvedPartner("Анна Ротация");
        approvedRequisites(anna, "Анна Ротация");
        long current = latestRequisites(anna);
        long partnerId = partnerOf(anna).id();
        // a version sealed by an earlier release: "v1:" without a key id, key generated into app_secret, raw-key fingerprint
        String legacyKey = newKey();
        jdbc.sql("INSERT INTO app_secret (name, value) VALUES (?, ?)").params(Vault.LEGACY_SECRET, legacyKey).update();
        long legacy = jdbc.sql("""
                        INSERT INTO requisites (partner_id, version, method, account_cipher, account_masked, account_fingerprint,
                                                legal_name, currency, status, decided_at)
                        VALUES (?, 99, 'card', ?, '•••• 1111', ?, 'Анна Ротация', 'RUB', 'REJECTED', now()) RETURNING id""")
                .params(partnerId, legacySeal(legacyKey, "4111111111111111"), legacyFingerprint(legacyKey, "card:4111111111111111"))
                .query(Long.class).single();
        // and a change being typed right now: the number is sealed in the chat's draft
        anna.send("/requisites").press("requisites.change-button").press("requisites.method.card").expect("requisites.ask-card")
                .send("5555 5555 5555 4444").expect("requisites.ask-legal-name");
        assertThat(draftAccount(anna)).startsWith("v2:" + keyId(testKey) + ":");

        // rotation: a new current key, the test key becomes an old one; everything still opens
        String next = newKey();
        Vault rotated = new Vault(jdbc, next, testKey, true);
        Requisites afterRotation = with(rotated);
        assertThat(rotated.decrypt(cipher(current))).isEqualTo("4111111111111111");
        assertThat(rotated.decrypt(cipher(legacy))).isEqualTo("4111111111111111");
        assertThat(rotated.decrypt(draftAccount(anna))).isEqualTo("5555555555554444");
        assertThat(afterRotation.sameAccount(current, legacy)).as("fingerprints of two keys: compared by opening").isTrue();

        Requisites.Resealed r = afterRotation.resealAll();
        assertThat(r.keyId()).isEqualTo(keyId(next));
        assertThat(r.resealed()).isGreaterThanOrEqualTo(2);
        assertThat(r.draftsResealed()).isGreaterThanOrEqualTo(1);
        assertThat(r.unreadable()).isZero();
        assertThat(r.remainingOnOtherKeys()).isZero();
        assertThat(r.legacyKeyDropped()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM app_secret WHERE name = ?").param(Vault.LEGACY_SECRET).query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM requisites WHERE account_cipher NOT LIKE ? OR account_fingerprint NOT LIKE ?")
                .params("v2:" + keyId(next) + ":%", keyId(next) + ":%").query(Integer.class).single()).isZero();
        assertThat(draftAccount(anna)).startsWith("v2:" + keyId(next) + ":");

        // the old keys can go: the new key alone opens everything, and fingerprints compare again
        Vault newOnly = new Vault(jdbc, next, null, true);
        for (String sealed : jdbc.sql("SELECT account_cipher FROM requisites").query(String.class).list()) {
            assertThat(newOnly.decrypt(sealed)).as(sealed).isNotNull();
        }
        assertThat(newOnly.decrypt(draftAccount(anna))).isEqualTo("5555555555554444");
        assertThat(new Vault(jdbc, testKey, null, true).decrypt(cipher(current))).as("the old key alone").isNull();
        assertThat(fingerprint(current)).isEqualTo(fingerprint(legacy));
        assertThat(with(newOnly).sameAccount(current, legacy)).isTrue();
        // again: nothing to do
        Requisites.Resealed again = with(newOnly).resealAll();
        assertThat(again.resealed()).isZero();
        assertThat(again.draftsResealed()).isZero();
        assertThat(again.alreadyCurrent()).isGreaterThanOrEqualTo(3);

        // back to the test key (the running app's), the same way; the partner's half-filled form goes on
        Requisites.Resealed back = with(new Vault(jdbc, testKey, next, true)).resealAll();
        assertThat(back.remainingOnOtherKeys()).isZero();
        anna.send("Анна Ротация").expect("requisites.ask-tax-id-optional").press("common.skip").press("RUB")
                .expect("requisites.confirm-card").expectContaining("•••• 4444")
                .press("common.confirm").expect("requisites.submitted");
        assertThat(requisites.sameAccount(latestRequisites(anna), current)).as("a different card").isFalse();
    }

    private Requisites with(Vault vault) {
        return new Requisites(jdbc, partners, approvals, notifier, drips, vault, resealer);
    }

    private String cipher(long id) {
        return jdbc.sql("SELECT account_cipher FROM requisites WHERE id = ?").param(id).query(String.class).single();
    }

    private String fingerprint(long id) {
        return jdbc.sql("SELECT account_fingerprint FROM requisites WHERE id = ?").param(id).query(String.class).single();
    }

    private String draftAccount(ChatTester chat) {
        return jdbc.sql("SELECT draft->>'account' FROM chat WHERE chat_id = ?").param(chat.userId()).query(String.class).single();
    }

    private static String newKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private static String keyId(String base64) throws RuntimeException {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64))).substring(0, 8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How the earlier release sealed: "v1:" + base64url(iv + AES-GCM), no key id, no associated data. */
    private static String legacySeal(String base64Key, String plain) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return "v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed).array());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How the earlier release fingerprinted: HMAC with the raw encryption key. */
    private static String legacyFingerprint(String base64Key, String plain) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("fp:" + plain).getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
