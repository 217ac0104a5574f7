package io.partnerka.money;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The partners' money: an append-only ledger (entries are only ever added; a database trigger refuses edits) in
 * exact decimals with a currency. Balances are sums over it. A deal's commission accrues once whatever the number of
 * paid events: writes for one partner are serialised by locking the partner's account row, and an idempotency key
 * per deal and payment is unique, so even a race that slipped past the lock could not credit twice.
 */
@Service
public class Ledger {

    static final String COMMISSION = "COMMISSION";
    static final String COMMISSION_REVERSAL = "COMMISSION_REVERSAL";
    /** Entry types that count as earnings ("accrued"); every type counts towards "available". */
    private static final String EARNINGS = "('" + COMMISSION + "', '" + COMMISSION_REVERSAL + "', '"
            + EntryType.REFERRAL_REWARD + "', '" + EntryType.REFERRAL_REVERSAL + "')";

    private final JdbcClient jdbc;
    private final CommissionRules rules;
    private final ApplicationEventPublisher events;

    Ledger(JdbcClient jdbc, CommissionRules rules, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.rules = rules;
        this.events = events;
    }

    /**
     * Credits a paid deal's commission, once: when the deal's commission is already in force (a repeated paid
     * event), that one is returned with {@code fresh == false} and nothing is written. The tier is decided here, from
     * the partner's paid clients in force with this one included, and recorded on the entry.
     */
    @Transactional
    public Accrual accrueCommission(long partnerId, long dealId, BigDecimal dealAmount, String currency) {
        if (dealAmount == null || dealAmount.signum() <= 0 || dealAmount.scale() > 2) {
            throw new IllegalArgumentException("A paid amount must be positive with at most two decimals");
        }
        requireCurrency(currency);
        lockAccount(partnerId);
        Optional<Commission> existing = commissionOf(dealId);
        if (existing.isPresent()) {
            Commission c = existing.get();
            return new Accrual(c, false, balance(c.partnerId(), c.currency()));
        }
        int payment = jdbc.sql("SELECT count(*) FROM ledger_entry WHERE deal_id = ? AND type = ?")
                .params(dealId, COMMISSION).query(Integer.class).single() + 1;
        Rate rate = rules.rateForPaidClient(paidClients(partnerId) + 1);
        BigDecimal amount = CommissionRules.commission(dealAmount, rate);
        Commission c = jdbc.sql("""
                        INSERT INTO ledger_entry (partner_id, type, amount, currency, deal_id, base_amount, rate, tier,
                                                  idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *""")
                .params(partnerId, COMMISSION, amount, currency, dealId, dealAmount, rate.percent(), rate.tier(),
                        "commission:deal:" + dealId + ":" + payment)
                .query(this::commission).single();
        events.publishEvent(new CommissionAccrued(c.entryId(), partnerId, dealId, c.amount(), currency, c.dealAmount(),
                c.rate(), c.tier(), c.at()));
        return new Accrual(c, true, balance(partnerId, currency));
    }

    /**
     * Takes back a deal's commission in force (the deal was refunded) with an entry of the opposite sign. Empty when
     * there is nothing in force (never accrued, or already reversed): a repeated refund changes nothing.
     */
    @Transactional
    public Optional<Reversal> reverseCommission(long dealId) {
        Optional<Commission> inForce = commissionOf(dealId);
        if (inForce.isEmpty()) return Optional.empty();
        lockAccount(inForce.get().partnerId());
        inForce = commissionOf(dealId); // again under the lock: a concurrent reversal may have won
        if (inForce.isEmpty()) return Optional.empty();
        Commission c = inForce.get();
        Commission r = jdbc.sql("""
                        INSERT INTO ledger_entry (partner_id, type, amount, currency, deal_id, base_amount, rate, tier,
                                                  reverses, idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *""")
                .params(c.partnerId(), COMMISSION_REVERSAL, c.amount().negate(), c.currency(), dealId, c.dealAmount(),
                        c.rate(), c.tier(), c.entryId(), "reversal:" + c.entryId())
                .query(this::commission).single();
        long id = r.entryId();
        events.publishEvent(new CommissionReversed(id, c.entryId(), c.partnerId(), dealId, c.amount(), c.currency(), r.at()));
        return Optional.of(new Reversal(id, dealId, c.amount(), c.currency(), balance(c.partnerId(), c.currency())));
    }

    /** The deal's commission in force: accrued and not reversed. */
    public Optional<Commission> commissionOf(long dealId) {
        return jdbc.sql(IN_FORCE + " AND e.deal_id = ? ORDER BY e.id DESC LIMIT 1").param(dealId)
                .query(this::commission).optional();
    }

    /** The commissions in force of several deals, by deal id. */
    public Map<Long, Commission> commissionsOf(Collection<Long> dealIds) {
        Map<Long, Commission> out = new LinkedHashMap<>();
        if (dealIds.isEmpty()) return out;
        jdbc.sql(IN_FORCE + " AND e.deal_id IN (:ids)").param("ids", List.copyOf(dealIds))
                .query(this::commission).list().forEach(c -> out.put(c.dealId(), c));
        return out;
    }

    /** Paid clients in force: deals whose commission was accrued and not reversed (what tiers count). */
    public int paidClients(long partnerId) {
        return jdbc.sql(IN_FORCE.replace("SELECT e.*", "SELECT count(*)") + " AND e.partner_id = ?").param(partnerId)
                .query(Integer.class).single();
    }

    /** The rate the partner's next paid client would earn. */
    public Rate nextRate(long partnerId) {
        return rules.rateForPaidClient(paidClients(partnerId) + 1);
    }

    /** How many paid clients the high tier needs (configuration). */
    public int highRateFrom() {
        return rules.highFrom();
    }

    /** The rate of the high tier. */
    public Rate highRate() {
        return rules.rateForPaidClient(rules.highFrom());
    }

    public Balance balance(long partnerId, String currency) {
        return jdbc.sql("SELECT coalesce(sum(amount) FILTER (WHERE type IN " + EARNINGS + "), 0), coalesce(sum(amount), 0) "
                        + "FROM ledger_entry WHERE partner_id = ? AND currency = ?")
                .params(partnerId, currency)
                .query((rs, n) -> new Balance(currency, rs.getBigDecimal(1).setScale(2), rs.getBigDecimal(2).setScale(2)))
                .single();
    }

    /** What each of several partners has available in one currency (a queue of payout cards shows it on each), in one query. */
    public Map<Long, BigDecimal> availableOf(Collection<Long> partnerIds, String currency) {
        Map<Long, BigDecimal> out = new LinkedHashMap<>();
        if (partnerIds.isEmpty()) return out;
        jdbc.sql("SELECT partner_id, sum(amount) FROM ledger_entry WHERE partner_id IN (:ids) AND currency = :currency GROUP BY partner_id")
                .param("ids", List.copyOf(partnerIds)).param("currency", currency)
                .query((rs, n) -> out.put(rs.getLong(1), rs.getBigDecimal(2).setScale(2))).list();
        return out;
    }

    /** Balances in every currency the partner has entries in. */
    public List<Balance> balances(long partnerId) {
        return jdbc.sql("SELECT currency, coalesce(sum(amount) FILTER (WHERE type IN " + EARNINGS + "), 0), sum(amount) "
                        + "FROM ledger_entry WHERE partner_id = ? GROUP BY currency ORDER BY currency")
                .param(partnerId)
                .query((rs, n) -> new Balance(rs.getString(1), rs.getBigDecimal(2).setScale(2), rs.getBigDecimal(3).setScale(2)))
                .list();
    }

    /** Earnings (commissions net of reversals) booked since an instant, by currency. */
    public Map<String, BigDecimal> earnedSince(long partnerId, Instant since) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        jdbc.sql("SELECT currency, sum(amount) FROM ledger_entry WHERE partner_id = ? AND type IN " + EARNINGS
                        + " AND created_at >= ? GROUP BY currency ORDER BY currency")
                .params(partnerId, Timestamp.from(since))
                .query((rs, n) -> out.put(rs.getString(1), rs.getBigDecimal(2).setScale(2))).list();
        return out;
    }

    private static final String IN_FORCE = "SELECT e.* FROM ledger_entry e WHERE e.type = '" + COMMISSION + "' "
            + "AND NOT EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id)";

    /** Serialises every ledger write of one partner (across instances too): tiers count exactly. */
    private void lockAccount(long partnerId) {
        jdbc.sql("INSERT INTO money_account (partner_id) VALUES (?) ON CONFLICT (partner_id) DO NOTHING").param(partnerId).update();
        jdbc.sql("SELECT partner_id FROM money_account WHERE partner_id = ? FOR UPDATE").param(partnerId).query(Long.class).single();
    }

    private static void requireCurrency(String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("A currency is an ISO 4217 code of three capital letters");
        }
    }

    private Commission commission(ResultSet rs, int n) throws SQLException {
        return new Commission(rs.getLong("id"), rs.getLong("partner_id"), rs.getLong("deal_id"),
                rs.getBigDecimal("amount"), rs.getString("currency"), rs.getBigDecimal("base_amount"),
                rs.getBigDecimal("rate"), rs.getString("tier"), rs.getTimestamp("created_at").toInstant());
    }

    // ---- entries of other kinds: payout holds, releases, payouts, referral rewards (payout branch) ----------------

    /**
     * Appends one entry of a kind other than a deal's commission, once per idempotency key: empty when the key was
     * used before (a repeated request), else the new line. The amount's sign must match the kind (a hold is
     * negative, a release positive). Serialised with every other write of the partner's ledger.
     */
    @Transactional
    public Optional<LedgerLine> post(long partnerId, EntryType type, BigDecimal amount, String currency,
                                     String idempotencyKey, Long payoutId, Long sourceEntryId) {
        requireCurrency(currency);
        if (amount == null || amount.scale() > 2 || amount.signum() == 0 || amount.signum() != type.sign()) {
            throw new IllegalArgumentException(type + " needs a " + (type.sign() > 0 ? "positive" : "negative")
                    + " amount with at most two decimals: " + amount);
        }
        lockAccount(partnerId);
        return jdbc.sql("""
                        INSERT INTO ledger_entry (partner_id, type, amount, currency, idempotency_key, payout_id,
                                                  source_entry_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *""")
                .params(partnerId, type.name(), amount, currency, idempotencyKey, payoutId, sourceEntryId)
                .query(this::toLine).optional();
    }

    /**
     * Locks the partner's ledger for the rest of the caller's transaction and returns the balance under the lock:
     * what a payout request checks before it holds funds, so concurrent requests cannot overdraw.
     */
    @Transactional
    public Balance lockedBalance(long partnerId, String currency) {
        requireCurrency(currency);
        lockAccount(partnerId);
        return balance(partnerId, currency);
    }

    /** The newest lines of a partner's ledger, newest first. */
    public List<LedgerLine> lines(long partnerId, int limit) {
        return jdbc.sql("SELECT * FROM ledger_entry WHERE partner_id = ? ORDER BY id DESC LIMIT ?")
                .params(partnerId, limit).query(this::toLine).list();
    }

    /** Earnings lines (commissions, referral rewards and their reversals) of one currency booked in [from, to). */
    public List<LedgerLine> earningsBetween(long partnerId, String currency, Instant from, Instant to) {
        return jdbc.sql("SELECT * FROM ledger_entry WHERE partner_id = ? AND currency = ? AND type IN " + EARNINGS
                        + " AND created_at >= ? AND created_at < ? ORDER BY id")
                .params(partnerId, currency, Timestamp.from(from), Timestamp.from(to)).query(this::toLine).list();
    }

    /** Sums per entry type in one currency (e.g. PAYOUT_HOLD, PAYOUT), to tell on-hold and paid-out amounts. */
    public Map<String, BigDecimal> sumsByType(long partnerId, String currency) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        jdbc.sql("SELECT type, sum(amount) FROM ledger_entry WHERE partner_id = ? AND currency = ? GROUP BY type ORDER BY type")
                .params(partnerId, currency)
                .query((rs, n) -> out.put(rs.getString(1), rs.getBigDecimal(2).setScale(2))).list();
        return out;
    }

    /** One ledger line by id. */
    public Optional<LedgerLine> line(long entryId) {
        return jdbc.sql("SELECT * FROM ledger_entry WHERE id = ?").param(entryId).query(this::toLine).optional();
    }

    /** The line written once with this idempotency key, if any. */
    public Optional<LedgerLine> lineByKey(String idempotencyKey) {
        return jdbc.sql("SELECT * FROM ledger_entry WHERE idempotency_key = ?").param(idempotencyKey).query(this::toLine).optional();
    }

    private LedgerLine toLine(ResultSet rs, int n) throws SQLException {
        long deal = rs.getLong("deal_id");
        Long dealId = rs.wasNull() ? null : deal;
        long payout = rs.getLong("payout_id");
        Long payoutId = rs.wasNull() ? null : payout;
        long source = rs.getLong("source_entry_id");
        Long sourceId = rs.wasNull() ? null : source;
        return new LedgerLine(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("type"), rs.getBigDecimal("amount"),
                rs.getString("currency"), dealId, payoutId, sourceId, rs.getTimestamp("created_at").toInstant());
    }
}
