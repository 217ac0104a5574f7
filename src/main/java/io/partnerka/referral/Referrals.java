package io.partnerka.referral;

import io.partnerka.conversation.Notifier;
import io.partnerka.money.Balance;
import io.partnerka.money.CommissionAccrued;
import io.partnerka.money.CommissionReversed;
import io.partnerka.money.EntryType;
import io.partnerka.money.Ledger;
import io.partnerka.money.LedgerLine;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.ApplicationSubmitted;
import io.partnerka.partner.PartnerApproved;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.telegram.BotIdentity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The referral program: a personal code per partner (deep link {@code ?start=ref_<code>}), attribution when the
 * person applies (their first /start payload; first touch wins, no self-referral, never re-attributed), and the
 * reward: {@code partnerka.referral.rate} percent of every commission a referred partner earns, credited to the
 * referrer in the accruing transaction (once per commission entry) and taken back when that commission is reversed.
 */
@Service
public class Referrals {

    static final String PREFIX = "ref_";
    private static final Logger log = LoggerFactory.getLogger(Referrals.class);
    private static final String CODE_CHARS = "abcdefghijkmnpqrstuvwxyz23456789";

    private final JdbcClient jdbc;
    private final Partners partners;
    private final Ledger ledger;
    private final Notifier notifier;
    private final BotIdentity bot;
    private final BigDecimal rate;
    private final SecureRandom random = new SecureRandom();

    Referrals(JdbcClient jdbc, Partners partners, Ledger ledger, Notifier notifier, BotIdentity bot,
              @Value("${partnerka.referral.rate:20}") BigDecimal rate) {
        if (rate.signum() < 0 || rate.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalStateException("partnerka.referral.rate must be 0..100");
        }
        this.jdbc = jdbc;
        this.partners = partners;
        this.ledger = ledger;
        this.notifier = notifier;
        this.bot = bot;
        this.rate = rate;
    }

    public BigDecimal rate() {
        return rate;
    }

    /** The partner's code, made on first use. */
    @Transactional
    public String codeOf(long partnerId) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<String> code = jdbc.sql("SELECT code FROM referral_code WHERE partner_id = ?").param(partnerId)
                    .query(String.class).optional();
            if (code.isPresent()) return code.get();
            // ON CONFLICT without a target also absorbs the (unlikely) clash of a random code with another's
            jdbc.sql("INSERT INTO referral_code (partner_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING")
                    .params(partnerId, newCode()).update();
        }
        throw new IllegalStateException("Could not make a referral code for partner " + partnerId);
    }

    /** {@code https://t.me/<bot>?start=ref_<code>}. */
    public String linkOf(long partnerId) {
        return bot.deepLink(PREFIX + codeOf(partnerId));
    }

    /** Who brought this partner, if anyone. */
    public Optional<Long> referrerOf(long partnerId) {
        return jdbc.sql("SELECT referrer_partner_id FROM referral WHERE referred_partner_id = ? AND referrer_partner_id IS NOT NULL")
                .param(partnerId).query(Long.class).optional();
    }

    /** Someone who came with the partner's link, by first name only, and how far they went. */
    public record Invitee(String firstName, String stage, java.time.Instant since) {
    }

    /**
     * Everyone who opened the bot with the partner's link, newest first: {@code opened} (not applied, or still in the
     * questionnaire), {@code applied}, {@code approved}, {@code first-paid} (a client of theirs paid).
     */
    public java.util.List<Invitee> invitees(long partnerId, int limit) {
        String code = codeOf(partnerId);
        // read-only looks at the partner, chat and ledger tables, as stats() does
        return jdbc.sql("""
                        SELECT coalesce(p.name, c.first_name) AS name, p.status,
                               EXISTS (SELECT 1 FROM ledger_entry e WHERE e.partner_id = p.id AND e.type = 'COMMISSION') AS paid,
                               ft.created_at
                        FROM first_touch ft
                        LEFT JOIN partner p ON p.user_id = ft.user_id
                        LEFT JOIN chat c ON c.chat_id = ft.user_id
                        WHERE ft.payload = ? ORDER BY ft.created_at DESC LIMIT ?""")
                .params(PREFIX + code, limit)
                .query((rs, n) -> {
                    String status = rs.getString("status");
                    String stage = status == null || status.equals("PRESCORING") ? "opened"
                            : !status.equals("APPROVED") ? "applied" : rs.getBoolean("paid") ? "first-paid" : "approved";
                    String name = rs.getString("name");
                    String first = name == null || name.isBlank() ? "—" : name.strip().split("\\s+")[0];
                    return new Invitee(first, stage, rs.getTimestamp("created_at").toInstant());
                }).list();
    }

    /** The QR code of the partner's link, a PNG. */
    public byte[] qrPng(long partnerId, int size) {
        return QrCode.png(linkOf(partnerId), size);
    }

    public ReferralStats stats(long partnerId) {
        String code = codeOf(partnerId);
        // read-only looks at the partner and deal modules' tables: counts only, no behaviour of theirs
        int invited = jdbc.sql("SELECT count(*) FROM first_touch WHERE payload = ?").param(PREFIX + code)
                .query(Integer.class).single();
        int applied = jdbc.sql("SELECT count(*) FROM referral WHERE referrer_partner_id = ?").param(partnerId)
                .query(Integer.class).single();
        int approved = jdbc.sql("""
                        SELECT count(*) FROM referral r JOIN partner p ON p.id = r.referred_partner_id
                        WHERE r.referrer_partner_id = ? AND p.status = 'APPROVED'""")
                .param(partnerId).query(Integer.class).single();
        int active = jdbc.sql("""
                        SELECT count(*) FROM referral r JOIN partner p ON p.id = r.referred_partner_id
                        WHERE r.referrer_partner_id = ? AND p.status = 'APPROVED'
                          AND EXISTS (SELECT 1 FROM deal d WHERE d.partner_id = p.id AND d.submitted_at > now() - interval '30 days')""")
                .param(partnerId).query(Integer.class).single();
        Map<String, BigDecimal> earned = new LinkedHashMap<>();
        for (Balance b : ledger.balances(partnerId)) {
            Map<String, BigDecimal> sums = ledger.sumsByType(partnerId, b.currency());
            BigDecimal sum = sums.getOrDefault(EntryType.REFERRAL_REWARD.name(), BigDecimal.ZERO)
                    .add(sums.getOrDefault(EntryType.REFERRAL_REVERSAL.name(), BigDecimal.ZERO));
            if (sums.containsKey(EntryType.REFERRAL_REWARD.name())) earned.put(b.currency(), sum.setScale(2));
        }
        return new ReferralStats(invited, applied, approved, active, earned);
    }

    /** A partner's first application decides who brought them; later ones change nothing. */
    @EventListener
    void on(ApplicationSubmitted submitted) {
        Long referrer = referrerFor(submitted.referralPayload(), submitted.userId(), submitted.partnerId());
        int inserted = jdbc.sql("""
                        INSERT INTO referral (referred_partner_id, referred_user_id, referrer_partner_id) VALUES (?, ?, ?)
                        ON CONFLICT (referred_partner_id) DO NOTHING""")
                .params(submitted.partnerId(), submitted.userId(), referrer).update();
        if (inserted == 1 && referrer != null) log.info("Partner {} was brought by partner {}", submitted.partnerId(), referrer);
    }

    private Long referrerFor(String payload, long userId, long partnerId) {
        if (payload == null || !payload.startsWith(PREFIX)) return null;
        Optional<Long> owner = jdbc.sql("SELECT partner_id FROM referral_code WHERE code = ?").param(payload.substring(PREFIX.length()))
                .query(Long.class).optional();
        if (owner.isEmpty() || owner.get() == partnerId) return null;
        PartnerView referrer = partners.byId(owner.get()).orElse(null);
        if (referrer == null || referrer.userId() == userId) return null; // nobody refers themselves
        return referrer.id();
    }

    @EventListener
    void on(PartnerApproved approved) {
        referrerOf(approved.partnerId()).flatMap(partners::byId).ifPresent(referrer -> {
            String name = partners.byId(approved.partnerId()).map(PartnerView::name).orElse("—");
            notifier.say(referrer.chatId(), "referral.partner-approved", "name", name, "rate", rate);
        });
    }

    /** The referrer's share of a referred partner's commission, once per commission entry. */
    @EventListener
    void on(CommissionAccrued accrued) {
        Optional<Long> referrerId = referrerOf(accrued.partnerId());
        if (referrerId.isEmpty()) return;
        BigDecimal reward = accrued.amount().multiply(rate).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
        if (reward.signum() <= 0) return;
        Optional<LedgerLine> line = ledger.post(referrerId.get(), EntryType.REFERRAL_REWARD, reward, accrued.currency(),
                "referral:" + accrued.entryId(), null, accrued.entryId());
        if (line.isEmpty()) return;
        partners.byId(referrerId.get()).ifPresent(referrer -> {
            String lang = notifier.languageOf(referrer.chatId());
            String name = partners.byId(accrued.partnerId()).map(PartnerView::name).orElse("—");
            notifier.say(referrer.chatId(), "referral.reward", "name", name,
                    "amount", new io.partnerka.conversation.Messages.Trusted(Formats.money(reward, accrued.currency(), lang)),
                    "rate", rate);
        });
    }

    /** A reversed commission takes its referral reward back with it. */
    @EventListener
    void on(CommissionReversed reversed) {
        Optional<LedgerLine> reward = ledger.lineByKey("referral:" + reversed.reversedEntryId());
        if (reward.isEmpty()) return;
        LedgerLine r = reward.get();
        Optional<LedgerLine> back = ledger.post(r.partnerId(), EntryType.REFERRAL_REVERSAL, r.amount().negate(), r.currency(),
                "referral-reversal:" + reversed.reversedEntryId(), null, r.id());
        if (back.isEmpty()) return;
        partners.byId(r.partnerId()).ifPresent(referrer -> notifier.say(referrer.chatId(), "referral.reward-reversed",
                "amount", new io.partnerka.conversation.Messages.Trusted(Formats.money(r.amount(), r.currency(),
                        notifier.languageOf(referrer.chatId())))));
    }

    private String newCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 8; i++) code.append(CODE_CHARS.charAt(random.nextInt(CODE_CHARS.length())));
        return code.toString();
    }
}
