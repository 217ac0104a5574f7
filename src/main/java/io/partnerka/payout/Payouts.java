package io.partnerka.payout;

import io.partnerka.approval.Approvals;
import io.partnerka.approval.AuditLog;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Notifier;
import io.partnerka.crm.CrmWebhooks;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.Roles;
import io.partnerka.conversation.UserError;
import io.partnerka.money.Balance;
import io.partnerka.money.EntryType;
import io.partnerka.money.Ledger;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Payout requests. A request holds the funds (a ledger entry, so "available" is still the plain sum) and creates the
 * request in one transaction, under the partner's ledger lock: concurrent requests queue up and each sees what the
 * previous ones held, so the balance never goes below zero. A request key (one per confirm button) makes a double
 * tap or a repeated update one request. A manager approves (queued for payment), marks it paid (the hold is settled
 * and the payout booked) or rejects it (the hold is released); an approved one whose transfer bounced is cancelled
 * (the hold is given back by a new ledger entry). Each step is a conditional update, so a stale button, a double tap
 * or two managers at once change it once.
 */
@Service
public class Payouts {

    static final String KIND = "payout";
    private static final Logger log = LoggerFactory.getLogger(Payouts.class);

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final Partners partners;
    private final Requisites requisites;
    private final Approvals approvals;
    private final AuditLog audit;
    private final Notifier notifier;
    private final Roles roles;
    private final PayoutSettings settings;
    private final Invoices invoices;
    private final CrmWebhooks crm;
    /** partnerka.payouts{step}: built once, counted after the commit (a rolled-back step is not counted) */
    private final Counter requested, approved, paid, cancelled;

    Payouts(JdbcClient jdbc, Ledger ledger, Partners partners, Requisites requisites, Approvals approvals,
            AuditLog audit, Notifier notifier, Roles roles, PayoutSettings settings, Invoices invoices, CrmWebhooks crm,
            MeterRegistry meters) {
        this.requested = step(meters, "requested");
        this.approved = step(meters, "approved");
        this.paid = step(meters, "paid");
        this.cancelled = step(meters, "cancelled");
        this.crm = crm;
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.partners = partners;
        this.requisites = requisites;
        this.approvals = approvals;
        this.audit = audit;
        this.notifier = notifier;
        this.roles = roles;
        this.settings = settings;
        this.invoices = invoices;
    }

    private static Counter step(MeterRegistry meters, String step) {
        return Counter.builder("partnerka.payouts").tag("step", step).description("Payout requests by step")
                .register(meters);
    }

    /** Counts once the transaction commits (at once when there is none). */
    private static void countAfterCommit(Counter counter) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            counter.increment();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                counter.increment();
            }
        });
    }

    /** The smallest amount a partner may request (configuration). */
    public BigDecimal minimum() {
        return settings.minimum;
    }

    public Optional<PayoutView> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout WHERE id = ?").param(id).query(Payouts::view).optional();
    }

    /** Several requests by id, in one query (a queue shows many cards). */
    public List<PayoutView> find(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout WHERE id IN (:ids)").param("ids", List.copyOf(ids))
                .query(Payouts::view).list();
    }

    /** A partner's requests, newest first. */
    public List<PayoutView> of(long partnerId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout WHERE partner_id = ? ORDER BY id DESC LIMIT ?")
                .params(partnerId, limit).query(Payouts::view).list();
    }

    /** Requests in a status (e.g. APPROVED: queued for payment), oldest first. */
    public List<PayoutView> inStatus(String status, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout WHERE status = ? ORDER BY id LIMIT ?")
                .params(status, limit).query(Payouts::view).list();
    }

    /** Every request, oldest first (the accounting export). */
    public List<PayoutView> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout ORDER BY id").query(Payouts::view).list();
    }

    /** The invoice PDF of a request. */
    public Optional<byte[]> invoicePdf(long id) {
        return jdbc.sql("SELECT invoice_pdf FROM payout WHERE id = ? AND invoice_pdf IS NOT NULL").param(id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** What a partner has in one currency: available, on hold for requests, paid out in total. */
    public record Summary(String currency, BigDecimal available, BigDecimal onHold, BigDecimal paidOut, BigDecimal earned) {
    }

    public Summary summary(long partnerId, String currency) {
        Balance b = ledger.balance(partnerId, currency);
        Map<String, BigDecimal> sums = ledger.sumsByType(partnerId, currency);
        BigDecimal held = sum(sums, EntryType.PAYOUT_HOLD).add(sum(sums, EntryType.PAYOUT_RELEASE))
                .add(sum(sums, EntryType.PAYOUT_CANCEL)).add(sum(sums, EntryType.PAYOUT_SETTLE)).negate();
        BigDecimal paid = sum(sums, EntryType.PAYOUT).negate();
        return new Summary(currency, b.available(), held.setScale(2), paid.setScale(2), b.accrued());
    }

    private static BigDecimal sum(Map<String, BigDecimal> sums, EntryType type) {
        return sums.getOrDefault(type.name(), BigDecimal.ZERO);
    }

    /** Summaries in every currency the partner has money in, or in their payout currency when there is none yet. */
    public List<Summary> summaries(long partnerId) {
        List<String> currencies = new ArrayList<>(ledger.balances(partnerId).stream().map(Balance::currency).toList());
        requisites.approved(partnerId).map(RequisitesView::currency).filter(c -> !currencies.contains(c)).ifPresent(currencies::add);
        return currencies.stream().map(c -> summary(partnerId, c)).toList();
    }

    /**
     * Requests a payout of {@code amount} (null: everything available) in {@code currency}, which must be the
     * currency of the partner's approved requisites. {@code requestKey} identifies the confirm button: the same key
     * again returns the request it made.
     */
    @Transactional
    public PayoutRequest request(long userId, BigDecimal amount, String currency, String requestKey) {
        PartnerView p = partners.approvedPartner(userId);
        String key = p.id() + ":" + requestKey;
        Optional<PayoutView> existing = byKey(key);
        if (existing.isPresent()) return new PayoutRequest(existing.get(), false);
        RequisitesView req = requisites.approved(p.id()).orElseThrow(() -> new UserError("payout.no-requisites"));
        if (!req.currency().equals(currency)) throw new UserError("payout.currency-changed", Map.of("currency", req.currency()));
        Balance balance = ledger.lockedBalance(p.id(), currency);
        existing = byKey(key); // again under the lock: the same button pressed twice at once
        if (existing.isPresent()) return new PayoutRequest(existing.get(), false);
        BigDecimal value = amount == null ? balance.available() : amount;
        String lang = notifier.languageOf(p.chatId());
        if (value.compareTo(settings.minimum) < 0) {
            throw new UserError("payout.below-minimum", Map.of("minimum", Formats.money(settings.minimum, currency, lang),
                    "available", Formats.money(balance.available(), currency, lang)));
        }
        if (value.compareTo(balance.available()) > 0) {
            throw new UserError("payout.above-available", Map.of("available", Formats.money(balance.available(), currency, lang)));
        }
        Instant to = Instant.now();
        Instant from = jdbc.sql("""
                        SELECT max(created_at) FROM payout WHERE partner_id = ? AND currency = ? AND status NOT IN ('REJECTED', 'CANCELLED')""")
                .params(p.id(), currency).query((rs, n) -> rs.getTimestamp(1)).optional()
                .filter(java.util.Objects::nonNull).map(Timestamp::toInstant)
                .orElseGet(() -> ledger.earningsBetween(p.id(), currency, Instant.EPOCH, to).stream()
                        .map(io.partnerka.money.LedgerLine::at).findFirst().orElse(to));
        long id = jdbc.sql("""
                        INSERT INTO payout (partner_id, amount, currency, requisites_id, request_key, period_from, period_to)
                        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(p.id(), value, currency, req.id(), key, Timestamp.from(from), Timestamp.from(to))
                .query(Long.class).single();
        ledger.post(p.id(), EntryType.PAYOUT_HOLD, value.negate(), currency, "payout:" + id + ":hold", id, null)
                .orElseThrow(() -> new IllegalStateException("Payout " + id + " was held before"));
        long number = jdbc.sql("UPDATE invoice_counter SET last = last + 1 WHERE name = 'payout' RETURNING last")
                .query(Long.class).single();
        PayoutView payout = find(id).orElseThrow();
        byte[] pdf = invoices.render(payout, number, p, req, lang);
        jdbc.sql("UPDATE payout SET invoice_number = ?, invoice_pdf = ? WHERE id = ?").params(number, pdf, id).update();
        payout = find(id).orElseThrow();
        approvals.submit(KIND, id);
        // the invoice is stored once, above; the messages only refer to it
        notifier.send(p.chatId(), Reply.Document.stored(InvoiceDocuments.NAME, String.valueOf(id), invoices.fileName(number),
                notifier.text(p.chatId(), "payout.invoice-caption-partner", Map.of("number", number))));
        for (long manager : roles.managerIds()) {
            notifier.send(manager, Reply.Document.stored(InvoiceDocuments.NAME, String.valueOf(id), invoices.fileName(number),
                    notifier.text(manager, "payout.invoice-caption-manager", Map.of("number", number, "id", id,
                            "name", p.name()))));
        }
        crm.publish("payout.requested", null, webhookData(payout));
        countAfterCommit(requested);
        log.info("Partner {} requested payout {} of {} {} to {}", p.id(), id, value, currency, req.maskedAccount());
        return new PayoutRequest(payout, true);
    }

    private Optional<PayoutView> byKey(String key) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payout WHERE request_key = ?").param(key).query(Payouts::view).optional();
    }

    /** A manager approved the request: it is queued for payment. */
    @Transactional
    void approved(long id, Decider decider) {
        if (jdbc.sql("UPDATE payout SET status = 'APPROVED', approved_at = now() WHERE id = ? AND status = 'REQUESTED'")
                .param(id).update() == 0) {
            throw new UserError("payout.already-decided");
        }
        countAfterCommit(approved);
        PayoutView v = find(id).orElseThrow();
        PartnerView p = partners.byId(v.partnerId()).orElseThrow();
        notifier.say(p.chatId(), "payout.queued", "number", v.invoiceNumber(),
                "amount", amountOf(v, notifier.languageOf(p.chatId())));
        if ("telegram".equals(decider.channel())) {
            long chat = decider.userId();
            notifier.send(chat, Reply.Text.of(notifier.text(chat, "payout.approved-manager", Map.of("id", id,
                            "number", v.invoiceNumber(), "amount", amountOf(v, notifier.languageOf(chat)), "name", p.name()))));
            notifier.send(chat, Reply.Text.of(notifier.text(chat, "payout.mark-paid-hint", Map.of("id", id)))
                    .withButtons(List.of(List.of(notifier.button(chat,
                                    notifier.text(chat, "payout.mark-paid-button", Map.of()), "po:paid:" + id),
                            notifier.button(chat, notifier.text(chat, "payout.cancel-button", Map.of()), "po:cancel:" + id)))));
        }
    }

    /** A manager rejected the request: the held funds are available again and the partner reads why. */
    @Transactional
    void rejected(long id, String reason) {
        if (jdbc.sql("UPDATE payout SET status = 'REJECTED', rejected_at = now(), reject_reason = ? WHERE id = ? AND status = 'REQUESTED'")
                .params(reason, id).update() == 0) {
            throw new UserError("payout.already-decided");
        }
        PayoutView v = find(id).orElseThrow();
        ledger.post(v.partnerId(), EntryType.PAYOUT_RELEASE, v.amount(), v.currency(), "payout:" + id + ":release", id, null);
        PartnerView p = partners.byId(v.partnerId()).orElseThrow();
        notifier.say(p.chatId(), "payout.rejected", "number", v.invoiceNumber(),
                "amount", amountOf(v, notifier.languageOf(p.chatId())),
                "reason", reason == null || reason.isBlank() ? "—" : reason);
    }

    /**
     * The money went out: the hold is settled and the payout booked (two entries, so available stays the same and
     * "paid out" grows). Only an approved request can be marked paid, once.
     */
    @Transactional
    public PayoutView markPaid(long id, Decider decider, String reference) {
        if (!roles.isManager(decider.userId()) && "telegram".equals(decider.channel())) throw new UserError("common.not-manager");
        PayoutView before = find(id).orElseThrow(() -> new UserError("payout.not-found"));
        if (jdbc.sql("UPDATE payout SET status = 'PAID', paid_at = now(), payment_reference = ? WHERE id = ? AND status = 'APPROVED'")
                .params(reference, id).update() == 0) {
            // the status now, not the one read before: a manager who lost a race with another (on another instance)
            // read APPROVED, waited for the winner's row lock and must hear "already paid", not "not approved yet"
            String now = find(id).map(PayoutView::status).orElse(before.status());
            throw new UserError(switch (now) {
                case "PAID" -> "payout.already-paid";
                case "REJECTED" -> "payout.already-rejected";
                case "CANCELLED" -> "payout.already-cancelled";
                default -> "payout.not-approved-yet";
            });
        }
        ledger.post(before.partnerId(), EntryType.PAYOUT_SETTLE, before.amount(), before.currency(), "payout:" + id + ":settle", id, null);
        ledger.post(before.partnerId(), EntryType.PAYOUT, before.amount().negate(), before.currency(), "payout:" + id + ":paid", id, null);
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("status", "PAID");
        if (reference != null) after.put("reference", reference);
        audit.record(decider, "payout.paid", KIND + "#" + id, Map.of("status", before.status()), after);
        crm.publish("payout.paid", null, webhookData(find(id).orElseThrow()));
        countAfterCommit(paid);
        PartnerView p = partners.byId(before.partnerId()).orElseThrow();
        String lang = notifier.languageOf(p.chatId());
        notifier.say(p.chatId(), reference == null ? "payout.paid" : "payout.paid-with-reference",
                "number", before.invoiceNumber(), "amount", amountOf(before, lang), "reference", reference == null ? "" : reference);
        return find(id).orElseThrow();
    }

    /** The longest reason a cancel may carry (the partner reads it). */
    public static final int MAX_CANCEL_REASON = 500;

    /**
     * The transfer of an approved payout bounced: the payout is cancelled with a reason, its hold given back by a new
     * ledger entry (the ledger is append-only) and the partner told why. Only an approved payout can be cancelled,
     * once: the conditional update lets one of two simultaneous cancels (a double tap, two managers, two instances)
     * through, and the entry's idempotency key would refuse a second release even so. A paid, rejected or already
     * cancelled payout is refused with a clear answer.
     */
    @Transactional
    public PayoutView cancel(long id, Decider decider, String reason) {
        if (!roles.isManager(decider.userId()) && "telegram".equals(decider.channel())) throw new UserError("common.not-manager");
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_CANCEL_REASON) {
            throw new UserError("payout.cancel-reason-needed", Map.of("max", MAX_CANCEL_REASON));
        }
        PayoutView before = find(id).orElseThrow(() -> new UserError("payout.not-found"));
        if (jdbc.sql("""
                        UPDATE payout SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = ?
                        WHERE id = ? AND status = 'APPROVED'""")
                .params(why, id).update() == 0) {
            // the status now: the loser of a race waited for the winner's row lock and hears "already cancelled"
            String now = find(id).map(PayoutView::status).orElse(before.status());
            throw new UserError(switch (now) {
                case "PAID" -> "payout.cancel-paid";
                case "REJECTED" -> "payout.cancel-rejected";
                case "CANCELLED" -> "payout.already-cancelled";
                default -> "payout.cancel-not-approved";
            });
        }
        ledger.post(before.partnerId(), EntryType.PAYOUT_CANCEL, before.amount(), before.currency(),
                        "payout:" + id + ":cancel", id, null)
                .orElseThrow(() -> new IllegalStateException("The hold of payout " + id + " was given back before"));
        audit.record(decider, "payout.cancelled", KIND + "#" + id, Map.of("status", before.status()),
                Map.of("status", "CANCELLED", "reason", why));
        PayoutView after = find(id).orElseThrow();
        crm.publish("payout.cancelled", null, webhookData(after));
        countAfterCommit(cancelled);
        PartnerView p = partners.byId(before.partnerId()).orElseThrow();
        notifier.say(p.chatId(), "payout.cancelled", "number", before.invoiceNumber(),
                "amount", amountOf(before, notifier.languageOf(p.chatId())), "reason", why);
        log.info("Payout {} of partner {} cancelled by {} ({})", id, p.id(), decider.channel(), decider.userId());
        return after;
    }

    /** What the CRM webhook says about a payout (no account numbers). */
    private static Map<String, Object> webhookData(PayoutView v) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("payout_id", v.id());
        data.put("partner_id", v.partnerId());
        data.put("amount", v.amount().toPlainString());
        data.put("currency", v.currency());
        data.put("invoice_number", v.invoiceNumber());
        data.put("status", v.status().toLowerCase(java.util.Locale.ROOT));
        data.put("payment_reference", v.paymentReference());
        if (v.cancelReason() != null) data.put("cancel_reason", v.cancelReason());
        data.put("requested_at", v.createdAt().toString());
        return data;
    }

    static io.partnerka.conversation.Messages.Trusted amountOf(PayoutView v, String lang) {
        return new io.partnerka.conversation.Messages.Trusted(Formats.money(v.amount(), v.currency(), lang));
    }

    /** Everything {@link #view} reads: not {@code invoice_pdf}, which a queue of cards would otherwise read (kilobytes each). */
    private static final String COLUMNS = "id, partner_id, amount, currency, requisites_id, status, invoice_number, period_from, "
            + "period_to, payment_reference, reject_reason, created_at, approved_at, paid_at, cancel_reason, cancelled_at";

    static PayoutView view(ResultSet rs, int n) throws SQLException {
        long number = rs.getLong("invoice_number");
        Long invoice = rs.wasNull() ? null : number;
        return new PayoutView(rs.getLong("id"), rs.getLong("partner_id"), rs.getBigDecimal("amount"), rs.getString("currency"),
                rs.getLong("requisites_id"), rs.getString("status"), invoice, instant(rs, "period_from"),
                instant(rs, "period_to"), rs.getString("payment_reference"), rs.getString("reject_reason"),
                instant(rs, "created_at"), instant(rs, "approved_at"), instant(rs, "paid_at"),
                rs.getString("cancel_reason"), instant(rs, "cancelled_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
