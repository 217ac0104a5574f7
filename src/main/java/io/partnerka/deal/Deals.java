package io.partnerka.deal;

import io.partnerka.approval.AuditLog;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.UserError;
import io.partnerka.money.Accrual;
import io.partnerka.money.Ledger;
import io.partnerka.conversation.Formats;
import io.partnerka.money.Reversal;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Clients and deals: submitting a client, moving a deal through the pipeline (by a manager or a CRM), and telling
 * the partner about every change. Every change happens in one transaction with its history line, its ledger entry,
 * the partner's notification and the events other modules hang on: nothing is ever half-applied.
 */
@Service
public class Deals {

    private static final Logger log = LoggerFactory.getLogger(Deals.class);

    private final DealStore store;
    private final Pipeline pipeline;
    private final Catalog catalog;
    private final DealSettings settings;
    private final Partners partners;
    private final Ledger ledger;
    private final Notifier notifier;
    private final Messages messages;
    private final DealCards cards;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final ObjectProvider<SubmissionGate> gates;

    Deals(DealStore store, Pipeline pipeline, Catalog catalog, DealSettings settings, Partners partners, Ledger ledger,
          Notifier notifier, Messages messages, DealCards cards, AuditLog audit, ApplicationEventPublisher events,
          ObjectProvider<SubmissionGate> gates) {
        this.store = store;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.settings = settings;
        this.partners = partners;
        this.ledger = ledger;
        this.notifier = notifier;
        this.messages = messages;
        this.cards = cards;
        this.audit = audit;
        this.events = events;
        this.gates = gates;
    }

    public Optional<DealView> find(long dealId) {
        return store.find(dealId);
    }

    /** A product's title from the catalog in a language ("accounting" reads "Accounting services"), for other screens. */
    public String productTitle(String productId, String language) {
        return catalog.title(productId, language);
    }

    /** Deals stuck in one open status since before {@code before} (for escalation), the longest stuck first. */
    public List<DealView> stalled(Instant before, int limit) {
        return store.openUnchangedSince(pipeline.open(), before, limit);
    }

    /** The deal an external system knows by its own id (e.g. system {@code crm}, {@code bitrix24-lead}). */
    public Optional<DealView> byExternalId(String system, String externalId) {
        return store.byExternal(system, externalId).flatMap(store::find);
    }

    public Optional<String> externalId(long dealId, String system) {
        return store.externalId(dealId, system);
    }

    /**
     * Records the deal's id in an external system. Repeating the same link is fine; an external id already linked
     * to another deal (or a deal already linked to another id in that system) is refused.
     */
    @Transactional
    public void linkExternalId(long dealId, String system, String externalId) {
        if (store.link(dealId, system, externalId)) return;
        boolean same = store.byExternal(system, externalId).map(id -> id == dealId).orElse(false);
        if (!same) throw new UserError("deal.external-conflict", Map.of("system", system));
    }

    /** The deal's commission in force (accrued on payment and not reversed). */
    public Optional<io.partnerka.money.Commission> commission(long dealId) {
        return ledger.commissionOf(dealId);
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Currencies a deal amount may be in (configuration; the first is the default). */
    public List<String> currencies() {
        return settings.currencies;
    }

    /** An approved partner who passes every {@link SubmissionGate}, else a refusal they understand. */
    PartnerView submitter(long userId) {
        PartnerView partner = partners.approvedPartner(userId);
        gates.orderedStream().forEach(gate -> gate.check(partner));
        return partner;
    }

    /**
     * Why a client's phone cannot be taken, asked at the phone step (so nobody fills in the whole form first): the
     * partner's own number, or a client another partner has (the same neutral refusal as {@link #submit}, which
     * checks again under a lock). Null when the number may go on; the partner's own earlier client is fine here.
     */
    @Transactional(readOnly = true)
    String phoneRefusal(long userId, String phone) {
        if (partners.isOwnPhone(userId, phone)) return "deal.submit.own-phone";
        PartnerView partner = partners.byUser(userId).orElse(null);
        if (partner == null) return null;
        boolean elsewhere = store.byPhoneSince(phone, Instant.now().minus(settings.attributionWindow)).stream()
                .anyMatch(d -> d.partnerId() != partner.id());
        return elsewhere ? "deal.duplicate" : null;
    }

    /** What submitting did: a new deal, or the partner's own existing one for that phone. */
    public record Submission(DealView deal, boolean existing) {
    }

    /** A product of the catalog with its title in a language. */
    public record Product(String id, String title) {
    }

    /** The catalog's products in a language, in catalog order (what the chat form offers). */
    public List<Product> products(String language) {
        return catalog.products().stream().map(p -> new Product(p.id(), catalog.title(p.id(), language))).toList();
    }

    /** A status's label in a language ("in_progress" reads "🔄 In progress"). */
    public String statusLabel(String code, String language) {
        return status(code, language);
    }

    /** A partner's clients, newest first. */
    public List<DealView> ofPartner(long partnerId, int limit) {
        return store.ofPartner(partnerId, null, 0, limit);
    }

    /** Deals in the given statuses (the manager's board, as /deals lists them). */
    public List<DealView> inStatuses(List<String> statuses, int limit) {
        return store.inStatuses(statuses, limit);
    }

    /** A board of the given statuses: each column's first {@code perStatus} deals, longest unchanged first, and its size. */
    public record BoardColumn(String status, int total, List<DealView> deals) {
    }

    public List<BoardColumn> board(List<String> statuses, int perStatus) {
        Map<String, List<DealView>> first = new java.util.HashMap<>();
        store.firstOfEachStatus(statuses, perStatus).forEach(d -> first.computeIfAbsent(d.status(), s -> new java.util.ArrayList<>()).add(d));
        Map<String, Integer> totals = store.countByStatus(statuses);
        return statuses.stream().map(s -> new BoardColumn(s, totals.getOrDefault(s, 0), first.getOrDefault(s, List.of()))).toList();
    }

    /** One board column from {@code offset} on (its next page). */
    public BoardColumn boardColumn(String status, int offset, int limit) {
        return new BoardColumn(status, store.countByStatus(List.of(status)).getOrDefault(status, 0),
                store.inStatus(status, offset, limit));
    }

    /** A deal's history, oldest first. */
    public List<HistoryEntry> history(long dealId) {
        return store.history(dealId);
    }

    /**
     * A client submitted in one go (the Mini App's form): the same checks as the chat flow, in its order: the gates,
     * the phone (own number, another partner's client) and then {@link #submit}, which checks the rest again.
     */
    @Transactional
    public Submission submitClient(long userId, String name, String phone, String product, String comment) {
        submitter(userId);
        String normalized = Input.normalizePhone(phone, settings.phoneRegion);
        if (normalized == null) throw new UserError("validation.other-phone");
        String refusal = phoneRefusal(userId, normalized);
        if (refusal != null) throw new UserError(refusal);
        return submit(userId, new ClientDraft(name, normalized, product, comment));
    }

    /**
     * A partner hands over a client. The phone is protected for the attribution window: another partner's
     * submission is refused without a word about who has it; the same partner is shown the client they already have.
     */
    @Transactional
    Submission submit(long userId, ClientDraft draft) {
        PartnerView partner = submitter(userId);
        String name = draft.name() == null ? "" : draft.name().strip();
        if (name.length() < 2 || name.length() > 120) throw new UserError("deal.bad-name");
        String phone = Input.normalizePhone(draft.phone(), settings.phoneRegion);
        if (phone == null) throw new UserError("validation.phone");
        Catalog.Product product = catalog.find(draft.product()).orElseThrow(() -> new UserError("deal.unknown-product"));
        String comment = draft.comment() == null || draft.comment().isBlank() ? null : draft.comment().strip();
        if (comment != null && comment.length() > 1000) throw new UserError("validation.too-long", Map.of("max", 1000));

        store.lockPhone(phone);
        List<DealView> recent = store.byPhoneSince(phone, Instant.now().minus(settings.attributionWindow));
        Optional<DealView> own = recent.stream().filter(d -> d.partnerId() == partner.id()).findFirst();
        if (own.isPresent()) return new Submission(own.get(), true);
        if (!recent.isEmpty()) {
            log.info("Client submission by partner {} refused: phone {} is attributed elsewhere", partner.id(), Input.maskPhone(phone));
            throw new UserError("deal.duplicate");
        }

        DealStore.Inserted inserted = store.insert(partner.id(), name, phone, product.id(), comment, pipeline.first(),
                "partner", userId, partner.name());
        DealView deal = inserted.deal();
        List<Long> managers = partners.managersOf(partner.id());
        if (!managers.isEmpty()) {
            io.partnerka.money.Rate next = ledger.nextRate(partner.id());
            for (long manager : managers) {
                notifier.queue(manager, cards.newClientCard(deal, partner, inserted.first(), next, manager));
            }
        }
        events.publishEvent(new LeadSubmitted(deal.id(), partner.id(), partner.name(), name, phone, product.id(),
                catalog.title(product.id(), messages.defaultLanguage()), comment, deal.submittedAt()));
        return new Submission(deal, false);
    }

    /**
     * Moves a deal (a manager's button, a CRM event). Moving to the status it already has changes nothing and says so
     * ({@code changed == false}), which makes repeated paid events harmless; anything the pipeline does not allow,
     * a stale version, a missing or absurd amount is refused with a {@link UserError} and nothing changes.
     */
    @Transactional
    public ChangeResult change(long dealId, DealChange change) {
        DealView before = store.lock(dealId).orElseThrow(() -> new UserError("deal.not-found", Map.of("id", dealId)));
        if (change.expectedVersion() != null && change.expectedVersion() != before.version()) {
            throw new UserError("deal.changed-meanwhile", Map.of("id", dealId));
        }
        String to = change.status();
        if (!pipeline.isKnown(to)) {
            throw new UserError("deal.unknown-status", Map.of("status", String.valueOf(to), "known", String.join(", ", pipeline.all())));
        }
        BigDecimal amount = checkedAmount(change.amount());
        String currency = amount == null ? null : checkedCurrency(change.currency());
        String comment = change.comment() == null || change.comment().isBlank() ? null : change.comment().strip();
        if (comment != null && comment.length() > 1000) throw new UserError("validation.too-long", Map.of("max", 1000));

        Pipeline.Move move = pipeline.move(before.status(), to);
        switch (move) {
            case SAME -> {
                return new ChangeResult(before, before.status(), false);
            }
            case NOT_ALLOWED -> throw new UserError("deal.move-not-allowed", Map.of("id", dealId,
                    "from", before.status(), "to", to));
            case REOPEN -> {
                if (!change.reopen()) {
                    throw new UserError("deal.move-needs-reopen", Map.of("id", dealId,
                            "from", before.status(), "to", to));
                }
            }
            default -> { }
        }
        boolean paid = to.equals(pipeline.paid());
        BigDecimal newAmount = amount != null ? amount : before.amount();
        String newCurrency = amount != null ? currency : before.currency();
        if (paid && newAmount == null) throw new UserError("deal.amount-required", Map.of("id", dealId));

        store.update(dealId, to, newAmount, newCurrency, true);
        store.history(dealId, before.status(), to, amount, currency, comment, change.source(), change.actorId(), change.actorName());
        DealView after = store.find(dealId).orElseThrow();

        Accrual accrual = paid ? ledger.accrueCommission(after.partnerId(), dealId, newAmount, newCurrency) : null;
        Reversal reversal = move == Pipeline.Move.REFUND ? ledger.reverseCommission(dealId).orElse(null) : null;
        tellPartner(after, move, comment, accrual, reversal);

        if (change.byManager() && change.actorId() != null) {
            Map<String, Object> was = new LinkedHashMap<>();
            was.put("status", before.status());
            Map<String, Object> now = new LinkedHashMap<>();
            now.put("status", to);
            if (amount != null) now.put("amount", Formats.money(amount, currency, messages.defaultLanguage()));
            if (comment != null) now.put("comment", comment);
            Decider manager = Decider.telegram(change.actorId(), change.actorName());
            if (DealChange.MINI_APP.equals(change.source())) manager = new Decider(manager.userId(), manager.name(), DealChange.MINI_APP);
            audit.record(manager, move == Pipeline.Move.REOPEN ? "deal.reopened" : "deal.moved",
                    "deal#" + dealId, was, now);
        }
        events.publishEvent(new DealStatusChanged(dealId, after.partnerId(), before.status(), to, newAmount, newCurrency,
                comment, change.source(), move == Pipeline.Move.REOPEN, Instant.now()));
        return new ChangeResult(after, before.status(), true);
    }

    /** The partner reads every change, unasked: the new status, the comment, and for money the exact figures. */
    private void tellPartner(DealView deal, Pipeline.Move move, String comment, Accrual accrual, Reversal reversal) {
        PartnerView partner = partners.byId(deal.partnerId()).orElseThrow();
        long chat = partner.chatId();
        String lang = notifier.languageOf(chat);
        Messages.Trusted note = new Messages.Trusted(comment == null ? ""
                : messages.text(lang, "deal.notify.comment", Map.of("comment", comment)));
        if (accrual != null) {
            notifier.say(chat, "deal.notify.paid", "id", deal.id(), "name", deal.clientName(),
                    "amount", DealCards.amount(deal.amount(), deal.currency(), lang),
                    "commission", DealCards.amount(accrual.commission().amount(), accrual.commission().currency(), lang),
                    "rate", Formats.percent(accrual.commission().rate(), lang),
                    "balance", DealCards.amount(accrual.balance().available(), accrual.balance().currency(), lang),
                    "comment", note);
        } else if (reversal != null) {
            notifier.say(chat, "deal.notify.refunded", "id", deal.id(), "name", deal.clientName(),
                    "commission", DealCards.amount(reversal.amount(), reversal.currency(), lang),
                    "balance", DealCards.amount(reversal.balance().available(), reversal.balance().currency(), lang),
                    "comment", note);
        } else {
            notifier.say(chat, move == Pipeline.Move.REOPEN ? "deal.notify.reopened" : "deal.notify.status",
                    "id", deal.id(), "name", deal.clientName(), "status", status(deal.status(), lang), "comment", note);
        }
    }

    private BigDecimal checkedAmount(BigDecimal amount) {
        if (amount == null) return null;
        if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2 || amount.compareTo(settings.maxAmount) > 0) {
            throw new UserError("validation.amount-range", Map.of("max", settings.maxAmount));
        }
        return amount.setScale(2);
    }

    private String checkedCurrency(String currency) {
        String c = currency == null ? null : currency.strip().toUpperCase(java.util.Locale.ROOT);
        if (c == null || !settings.currencies.contains(c)) {
            throw new UserError("deal.currency-invalid", Map.of("known", String.join(", ", settings.currencies)));
        }
        return c;
    }

    String status(String code, String lang) {
        return messages.text(lang, "deal.status." + code);
    }
}
