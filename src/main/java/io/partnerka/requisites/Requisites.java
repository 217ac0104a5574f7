package io.partnerka.requisites;

import io.partnerka.approval.Approvals;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.UserError;
import io.partnerka.drip.Drips;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partners' payout details. Every version (the first one too) waits for a manager; payouts use the newest approved
 * version, so a stolen Telegram account cannot redirect money without a human noticing. One version waits at a time.
 */
@Service
public class Requisites {

    static final String KIND = "requisites";
    private static final Logger log = LoggerFactory.getLogger(Requisites.class);

    private final JdbcClient jdbc;
    private final Partners partners;
    private final Approvals approvals;
    private final Notifier notifier;
    private final Drips drips;
    private final Vault vault;
    private final Resealer resealer;

    Requisites(JdbcClient jdbc, Partners partners, Approvals approvals, Notifier notifier, Drips drips, Vault vault,
               Resealer resealer) {
        this.resealer = resealer;
        this.jdbc = jdbc;
        this.partners = partners;
        this.approvals = approvals;
        this.notifier = notifier;
        this.drips = drips;
        this.vault = vault;
    }

    /** The version payouts go to: the newest approved one. */
    public Optional<RequisitesView> approved(long partnerId) {
        return jdbc.sql("SELECT * FROM requisites WHERE partner_id = ? AND status = 'APPROVED' ORDER BY version DESC LIMIT 1")
                .param(partnerId).query(Requisites::view).optional();
    }

    /** The version waiting for a manager, if any. */
    public Optional<RequisitesView> pending(long partnerId) {
        return jdbc.sql("SELECT * FROM requisites WHERE partner_id = ? AND status = 'PENDING'")
                .param(partnerId).query(Requisites::view).optional();
    }

    public Optional<RequisitesView> find(long id) {
        return jdbc.sql("SELECT * FROM requisites WHERE id = ?").param(id).query(Requisites::view).optional();
    }

    /** Several versions by id, in one query (payout cards show the requisites each goes to). */
    public java.util.List<RequisitesView> find(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) return java.util.List.of();
        return jdbc.sql("SELECT * FROM requisites WHERE id IN (:ids)").param("ids", java.util.List.copyOf(ids))
                .query(Requisites::view).list();
    }

    /** The requisites form filled in at once (the Mini App): the fields the chat's forms ask, in plain text. */
    public record Form(String method, String account, String bankCode, String legalName, String taxId, String currency) {
    }

    /**
     * A new version from a form filled in at once: every field checked as the chat's form checks it (the same
     * {@link Checks} and error keys), then {@link #submit} as from the chat. The account is sealed at once.
     */
    @Transactional
    public RequisitesView submitForm(long userId, Form f, java.util.List<String> currencies) {
        String method = f.method() == null ? "" : f.method().strip();
        java.util.function.Function<String, String> check;
        String badKey;
        switch (method) {
            case "bank" -> { check = Checks::account; badKey = "requisites.bad-account"; }
            case "card" -> { check = Checks::card; badKey = "requisites.bad-card"; }
            case "other" -> { check = Checks::email; badKey = "requisites.bad-email"; }
            default -> throw new UserError("requisites.incomplete");
        }
        String account = f.account() == null ? null : check.apply(f.account().strip());
        if (account == null) throw new UserError(badKey);
        String bankCode = null;
        if ("bank".equals(method)) {
            bankCode = f.bankCode() == null ? null : Checks.bankCode(f.bankCode().strip());
            if (bankCode == null) throw new UserError("requisites.bad-bank-code");
        }
        String legalName = f.legalName() == null ? "" : f.legalName().strip();
        if (legalName.length() < 3) throw new UserError("validation.too-short", Map.of("min", 3));
        if (legalName.length() > 200) throw new UserError("validation.too-long", Map.of("max", 200));
        String taxId = f.taxId() == null || f.taxId().isBlank() ? null : Checks.inn(f.taxId().strip());
        if (taxId == null && f.taxId() != null && !f.taxId().isBlank()) throw new UserError("requisites.bad-tax-id");
        if (taxId == null && "bank".equals(method)) throw new UserError("requisites.bad-tax-id");
        String currency = f.currency() == null ? null : f.currency().strip().toUpperCase(java.util.Locale.ROOT);
        if (currency == null || !currencies.contains(currency)) throw new UserError("requisites.incomplete");
        return submit(userId, new RequisitesDraft(method, vault.encrypt(account), bankCode, legalName, taxId, currency));
    }

    /** A new version from the partner's form: checked once more, stored sealed, queued for a manager. */
    @Transactional
    RequisitesView submit(long userId, RequisitesDraft d) {
        PartnerView partner = partners.approvedPartner(userId);
        if (pending(partner.id()).isPresent()) throw new UserError("requisites.already-pending");
        String account = vault.decrypt(d.account());
        if (account == null || d.method() == null || d.legalName() == null || d.currency() == null) {
            throw new UserError("requisites.incomplete");
        }
        if ("bank".equals(d.method()) && (d.bankCode() == null || d.taxId() == null)) throw new UserError("requisites.incomplete");
        if ("bank".equals(d.method()) && !Checks.accountFitsBank(account, d.bankCode())) {
            throw new UserError("requisites.account-bank-mismatch");
        }
        int version = jdbc.sql("SELECT coalesce(max(version), 0) + 1 FROM requisites WHERE partner_id = ?")
                .param(partner.id()).query(Integer.class).single();
        long id = jdbc.sql("""
                        INSERT INTO requisites (partner_id, version, method, account_cipher, account_masked,
                                                account_fingerprint, bank_code, legal_name, tax_id, currency)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(partner.id(), version, d.method(), vault.encrypt(account), Checks.mask(d.method(), account),
                        vault.fingerprint(d.method() + ":" + account), "bank".equals(d.method()) ? d.bankCode() : null,
                        d.legalName(), d.taxId(), d.currency())
                .query(Long.class).single();
        approvals.submit(KIND, id);
        drips.trigger(userId, Drips.REQUISITES_SET);
        log.info("Partner {} submitted requisites version {} ({} {})", partner.id(), version, d.method(),
                Checks.mask(d.method(), account));
        return find(id).orElseThrow();
    }

    /**
     * Whether two versions have the same account (compared by fingerprint: masks may look alike). Fingerprints of
     * different keys (during a key rotation, before {@link #resealAll()}) cannot be compared: then the numbers are
     * opened and compared; one that no key opens counts as changed, so the manager looks twice rather than never.
     */
    boolean sameAccount(long idA, long idB) {
        java.util.List<String[]> rows = jdbc.sql("SELECT method, account_cipher, account_fingerprint FROM requisites WHERE id IN (?, ?)")
                .params(idA, idB).query((rs, n) -> new String[]{rs.getString(1), rs.getString(2), rs.getString(3)}).list();
        if (rows.size() < 2) return rows.size() == 1 && idA == idB;
        String[] a = rows.get(0), b = rows.get(1);
        if (Vault.fingerprintKey(a[2]).equals(Vault.fingerprintKey(b[2]))) return a[2].equals(b[2]);
        String plainA = vault.decrypt(a[1]), plainB = vault.decrypt(b[1]);
        return plainA != null && a[0].equals(b[0]) && plainA.equals(plainB);
    }

    /** The version before this one that was approved (what payouts use until this one is). */
    Optional<RequisitesView> approvedBefore(RequisitesView v) {
        return jdbc.sql("""
                        SELECT * FROM requisites WHERE partner_id = ? AND status = 'APPROVED' AND version < ?
                        ORDER BY version DESC LIMIT 1""")
                .params(v.partnerId(), v.version()).query(Requisites::view).optional();
    }

    @Transactional
    void decide(long id, boolean approve, String reason) {
        int changed = jdbc.sql("UPDATE requisites SET status = ?, decided_at = now(), reject_reason = ? WHERE id = ? AND status = 'PENDING'")
                .params(approve ? "APPROVED" : "REJECTED", reason, id).update();
        if (changed == 0) throw new UserError("requisites.already-decided");
        RequisitesView v = find(id).orElseThrow();
        PartnerView p = partners.byId(v.partnerId()).orElseThrow();
        if (approve) {
            notifier.say(p.chatId(), "requisites.approved", "account", v.maskedAccount(), "version", v.version());
        } else {
            notifier.say(p.chatId(), "requisites.rejected", "account", v.maskedAccount(),
                    "reason", reason == null || reason.isBlank() ? "—" : reason);
        }
    }

    /**
     * What a re-seal did.
     *
     * @param keyId              the current key's id, which everything is sealed with now
     * @param resealed           requisites versions moved to it
     * @param draftsResealed     half-filled requisites forms moved to it
     * @param alreadyCurrent     values that were on it already
     * @param unreadable         values no known key opens (left as they are; logged by id)
     * @param remainingOnOtherKeys values not on the current key after the run: while above 0 keep the old keys
     * @param legacyKeyDropped   the key earlier versions generated into the database was deleted (nothing needs it)
     */
    public record Resealed(String keyId, int resealed, int draftsResealed, int alreadyCurrent, int unreadable,
                           long remainingOnOtherKeys, boolean legacyKeyDropped) {
    }

    /**
     * Key rotation: re-seals every stored account number and draft with the current key and recomputes its
     * fingerprint. Safe beside a serving app and idempotent (batches, each in a transaction; see {@link Resealer}).
     */
    public Resealed resealAll() {
        return resealer.run(vault);
    }

    static RequisitesView view(ResultSet rs, int n) throws SQLException {
        return new RequisitesView(rs.getLong("id"), rs.getLong("partner_id"), rs.getInt("version"), rs.getString("method"),
                rs.getString("account_masked"), rs.getString("bank_code"), rs.getString("legal_name"), rs.getString("tax_id"),
                rs.getString("currency"), rs.getString("status"), rs.getTimestamp("created_at").toInstant());
    }

    static Map<String, Object> fields(RequisitesView v) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("method", v.method());
        m.put("account", v.maskedAccount());
        m.put("bankCode", v.bankCode());
        m.put("legalName", v.legalName());
        m.put("taxId", v.taxId());
        m.put("currency", v.currency());
        return m;
    }
}
