package io.partnerka.requisites;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves every sealed account to the current key, with a fresh fingerprint: the requisites versions and the
 * half-filled requisites forms (the {@code account} of a chat's draft). Batches of {@value #BATCH}, each in its own
 * transaction, and every write a compare-and-set on the old value, so it runs beside a serving app (a partner typing
 * a new number in the meantime wins) and running it again changes nothing.
 */
@Component
class Resealer {

    static final int BATCH = 200;
    private static final Logger log = LoggerFactory.getLogger(Resealer.class);
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    Resealer(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
    }

    private record Sealed(long id, String method, String cipher, String fingerprint) {
    }

    Requisites.Resealed run(Vault vault) {
        int[] counts = new int[4]; // resealed versions, resealed drafts, already current, unreadable
        long after = 0;
        while (true) {
            long from = after;
            List<Sealed> batch = tx.execute(s -> {
                List<Sealed> rows = jdbc.sql("""
                                SELECT id, method, account_cipher, account_fingerprint FROM requisites
                                WHERE id > ? ORDER BY id LIMIT ?""")
                        .params(from, BATCH)
                        .query((rs, n) -> new Sealed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
                for (Sealed r : rows) {
                    if (vault.sealedWithCurrentKey(r.cipher()) && vault.fingerprintOfCurrentKey(r.fingerprint())) {
                        counts[2]++;
                        continue;
                    }
                    String plain = vault.decrypt(r.cipher());
                    if (plain == null) {
                        counts[3]++;
                        log.warn("Re-seal: requisites #{} opens with no known key; left as it is", r.id());
                        continue;
                    }
                    counts[0] += jdbc.sql("""
                                    UPDATE requisites SET account_cipher = ?, account_fingerprint = ?
                                    WHERE id = ? AND account_cipher = ?""")
                            .params(vault.encrypt(plain), vault.fingerprint(r.method() + ":" + plain), r.id(), r.cipher()).update();
                }
                return rows;
            });
            if (batch.isEmpty()) break;
            after = batch.get(batch.size() - 1).id();
        }
        after = Long.MIN_VALUE;
        while (true) {
            long from = after;
            List<Sealed> batch = tx.execute(s -> {
                List<Sealed> drafts = jdbc.sql("""
                                SELECT chat_id, draft->>'account' FROM chat
                                WHERE flow LIKE 'requisites.%' AND draft->>'account' IS NOT NULL AND chat_id > ?
                                ORDER BY chat_id LIMIT ?""")
                        .params(from, BATCH).query((rs, n) -> new Sealed(rs.getLong(1), null, rs.getString(2), null)).list();
                for (Sealed d : drafts) {
                    if (vault.sealedWithCurrentKey(d.cipher())) {
                        counts[2]++;
                        continue;
                    }
                    String plain = vault.decrypt(d.cipher());
                    if (plain == null) {
                        counts[3]++;
                        log.warn("Re-seal: the requisites draft of chat {} opens with no known key; left as it is", d.id());
                        continue;
                    }
                    // only if the partner has not typed another number meanwhile
                    counts[1] += jdbc.sql("""
                                    UPDATE chat SET draft = jsonb_set(draft, '{account}', to_jsonb(?::text))
                                    WHERE chat_id = ? AND draft->>'account' = ?""")
                            .params(vault.encrypt(plain), d.id(), d.cipher()).update();
                }
                return drafts;
            });
            if (batch.isEmpty()) break;
            after = batch.get(batch.size() - 1).id();
        }
        long remaining = remaining(vault);
        boolean dropped = false;
        if (remaining == 0 && !vault.currentKeyFromDatabase()) {
            // nothing needs the key earlier versions generated into the database any more
            dropped = jdbc.sql("DELETE FROM app_secret WHERE name = ?").param(Vault.LEGACY_SECRET).update() > 0;
        }
        Requisites.Resealed result = new Requisites.Resealed(vault.keyId(), counts[0], counts[1], counts[2], counts[3],
                remaining, dropped);
        log.info("Re-seal to requisites key {}: {} version(s) and {} draft(s) re-sealed, {} already current, {} unreadable, "
                        + "{} left on other keys{}", result.keyId(), counts[0], counts[1], counts[2], counts[3], remaining,
                dropped ? "; the key generated into the database was dropped" : "");
        return result;
    }

    /** Values not (fully) on the current key: while any remain, the old keys are still needed. */
    long remaining(Vault vault) {
        String sealed = "v2:" + vault.keyId() + ":%", fingerprint = vault.keyId() + ":%";
        long versions = jdbc.sql("SELECT count(*) FROM requisites WHERE account_cipher NOT LIKE ? OR account_fingerprint NOT LIKE ?")
                .params(sealed, fingerprint).query(Long.class).single();
        long drafts = jdbc.sql("""
                        SELECT count(*) FROM chat WHERE flow LIKE 'requisites.%' AND draft->>'account' IS NOT NULL
                        AND draft->>'account' NOT LIKE ?""")
                .param(sealed).query(Long.class).single();
        return versions + drafts;
    }
}
