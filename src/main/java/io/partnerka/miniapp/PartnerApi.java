package io.partnerka.miniapp;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import io.partnerka.deal.HistoryEntry;
import io.partnerka.knowledge.KnowledgeShelf;
import io.partnerka.money.Commission;
import io.partnerka.money.Ledger;
import io.partnerka.money.LedgerLine;
import io.partnerka.money.Rate;
import io.partnerka.payout.PayoutView;
import io.partnerka.payout.Payouts;
import io.partnerka.referral.Referrals;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import io.partnerka.training.CourseStatus;
import io.partnerka.training.Training;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The partner's views of the Mini App (see docs/miniapp.md for the contract). Every read is of the caller's own
 * data, found through their partner id from the signed initData; an id of someone else's object answers exactly
 * like an id that does not exist (404). Every change goes through the same service method the chat uses. A view
 * reads in one transaction (one connection and one BEGIN/COMMIT, not one per module call it makes).
 */
@RestController
@RequestMapping("/app/api")
class PartnerApi {

    private static final int CLIENTS_LIMIT = 500;

    private final Deals deals;
    private final Payouts payouts;
    private final Requisites requisites;
    private final Ledger ledger;
    private final Training training;
    private final KnowledgeShelf kb;
    private final Referrals referrals;
    private final Messages messages;
    private final Formats formats;

    PartnerApi(Deals deals, Payouts payouts, Requisites requisites, Ledger ledger, Training training, KnowledgeShelf kb,
               Referrals referrals, Messages messages, Formats formats) {
        this.deals = deals;
        this.payouts = payouts;
        this.requisites = requisites;
        this.ledger = ledger;
        this.training = training;
        this.kb = kb;
        this.referrals = referrals;
        this.messages = messages;
        this.formats = formats;
    }

    // ---- who -------------------------------------------------------------------------------------------------------

    record Balance(Money available, Money onHold, Money paidOut) {
    }

    record Me(String role, String name, String language, long userId, Long partnerId, Balance balance) {
    }

    @GetMapping("/me")
    @Transactional(readOnly = true)
    Me me(MiniAppUser user) {
        return new Me(user.role(), user.name(), user.language(), user.userId(), user.partnerId(),
                user.isPartner() ? balance(user) : null);
    }

    // ---- home ------------------------------------------------------------------------------------------------------

    record Month(String month, String label, Money earned) {
    }

    record Tier(BigDecimal rate, BigDecimal nextRate, int paidClients, int needed, String text) {
    }

    record Todo(String key, String text, String view) {
    }

    record Home(Balance balance, List<Month> months, Tier tier, List<Todo> todo) {
    }

    @GetMapping("/home")
    @Transactional(readOnly = true)
    Home home(MiniAppUser user) {
        long partnerId = partner(user);
        String lang = user.language();
        String currency = currency(partnerId);
        ZoneId zone = formats.zone();
        YearMonth now = YearMonth.now(zone);
        YearMonth first = now.minusMonths(5);
        Map<YearMonth, BigDecimal> sums = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) sums.put(first.plusMonths(i), BigDecimal.ZERO.setScale(2));
        for (LedgerLine line : ledger.earningsBetween(partnerId, currency, first.atDay(1).atStartOfDay(zone).toInstant(),
                Instant.now().plusSeconds(1))) {
            sums.merge(YearMonth.from(line.at().atZone(zone)), line.amount(), BigDecimal::add);
        }
        DateTimeFormatter label = DateTimeFormatter.ofPattern("LLL yyyy", Formats.locale(lang));
        List<Month> months = sums.entrySet().stream().map(e -> new Month(e.getKey().toString(),
                capitalize(label.format(e.getKey()), lang), Money.of(e.getValue(), currency, lang))).toList();

        int paid = ledger.paidClients(partnerId);
        Rate next = ledger.nextRate(partnerId);
        Rate high = ledger.highRate();
        boolean top = next.tier().equals(high.tier());
        int needed = top ? 0 : Math.max(0, ledger.highRateFrom() - 1 - paid);
        String tierText = top ? messages.text(lang, "miniapp.tier.top", Map.of("rate", high.percent()))
                : messages.text(lang, "miniapp.tier.next", Map.of("needed", needed, "rate", high.percent()));
        Tier tier = new Tier(next.percent(), top ? null : high.percent(), paid, needed, Plain.text(tierText));

        List<Todo> todo = new ArrayList<>();
        List<String> missing = training.missingMandatory(user.userId());
        if (!missing.isEmpty()) {
            String titles = training.statusOf(user.userId(), lang).stream().filter(c -> missing.contains(c.courseId()))
                    .map(CourseStatus::title).reduce((a, b) -> a + ", " + b).orElse(String.join(", ", missing));
            todo.add(todo("training", lang, "training", Map.of("courses", titles)));
        }
        if (requisites.approved(partnerId).isEmpty()) {
            todo.add(requisites.pending(partnerId).isPresent() ? todo("requisites-pending", lang, "payouts", Map.of())
                    : todo("requisites-missing", lang, "payouts", Map.of()));
        }
        if (deals.ofPartner(partnerId, 1).isEmpty()) todo.add(todo("first-client", lang, "clients", Map.of()));
        Payouts.Summary s = payouts.summary(partnerId, currency);
        if (requisites.approved(partnerId).isPresent() && s.available().compareTo(payouts.minimum()) >= 0) {
            todo.add(todo("payout-ready", lang, "payouts", Map.of("amount", new Messages.Trusted(
                    Formats.money(s.available(), currency, lang)))));
        }
        return new Home(balance(s, lang), months, tier, todo);
    }

    private Todo todo(String key, String lang, String view, Map<String, ?> args) {
        return new Todo(key, Plain.text(messages.text(lang, "miniapp.todo." + key, args)), view);
    }

    private static String capitalize(String s, String lang) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Formats.locale(lang)) + s.substring(1);
    }

    // ---- clients ---------------------------------------------------------------------------------------------------

    record Product(String id, String title) {
    }

    @GetMapping("/products")
    List<Product> products(MiniAppUser user) {
        return deals.products(user.language()).stream().map(p -> new Product(p.id(), p.title())).toList();
    }

    record Label(String code, String label) {
    }

    record Step(Instant at, String atText, String status, String statusLabel, String comment) {
    }

    record Client(long id, String name, String phone, Product product, String status, String statusLabel, Money amount,
                  Money commission, Instant createdAt, String createdAtText, int version, List<Step> history) {
    }

    record Clients(List<Label> statuses, List<Client> clients) {
    }

    @GetMapping("/clients")
    @Transactional(readOnly = true)
    Clients clients(MiniAppUser user, @RequestParam(required = false) String q, @RequestParam(required = false) String status) {
        long partnerId = partner(user);
        String lang = user.language();
        List<Label> statuses = deals.pipeline().all().stream().map(c -> new Label(c, deals.statusLabel(c, lang))).toList();
        String query = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        String digits = query.replaceAll("\\D", "");
        List<DealView> mine = deals.ofPartner(partnerId, CLIENTS_LIMIT).stream()
                .filter(d -> status == null || status.isBlank() || d.status().equals(status))
                .filter(d -> query.isEmpty() || d.clientName().toLowerCase(Locale.ROOT).contains(query)
                        || String.valueOf(d.id()).equals(query)
                        || digits.length() >= 4 && d.clientPhone().replaceAll("\\D", "").contains(digits))
                .toList();
        Map<Long, Commission> commissions = ledger.commissionsOf(mine.stream().map(DealView::id).toList());
        return new Clients(statuses, mine.stream().map(d -> client(d, commissions.get(d.id()), lang)).toList());
    }

    private Client client(DealView d, Commission c, String lang) {
        List<Step> history = deals.history(d.id()).stream().map(h -> step(h, lang)).toList();
        return new Client(d.id(), d.clientName(), Input.maskPhone(d.clientPhone()),
                new Product(d.product(), deals.productTitle(d.product(), lang)), d.status(), deals.statusLabel(d.status(), lang),
                Money.of(d.amount(), d.currency(), lang), c == null ? null : Money.of(c.amount(), c.currency(), lang),
                d.submittedAt(), formats.dateTime(d.submittedAt(), lang), d.version(), history);
    }

    private Step step(HistoryEntry h, String lang) {
        return new Step(h.at(), formats.dateTime(h.at(), lang), h.toStatus(), deals.statusLabel(h.toStatus(), lang), h.comment());
    }

    record NewClient(String name, String phone, String product, String comment) {
    }

    record Created(long id, boolean existing) {
    }

    @PostMapping("/clients")
    ResponseEntity<Created> submit(MiniAppUser user, @RequestBody NewClient c) {
        partner(user);
        Deals.Submission s = deals.submitClient(user.userId(), c.name(), c.phone(), c.product(), c.comment());
        return ResponseEntity.status(s.existing() ? HttpStatus.OK : HttpStatus.CREATED).body(new Created(s.deal().id(), s.existing()));
    }

    // ---- payouts ---------------------------------------------------------------------------------------------------

    record RequisitesInfo(String status, String masked, String legalName, String method, String currency) {
    }

    record PayoutItem(long id, Money amount, String status, String statusLabel, Instant createdAt, String createdAtText,
                      Long invoiceNumber, String invoiceUrl, String reason) {
    }

    record PayoutsView(Money available, Money minimum, RequisitesInfo requisites, RequisitesInfo pendingRequisites,
                       List<PayoutItem> requests) {
    }

    @GetMapping("/payouts")
    @Transactional(readOnly = true)
    PayoutsView payouts(MiniAppUser user) {
        long partnerId = partner(user);
        String lang = user.language();
        String currency = currency(partnerId);
        Payouts.Summary s = payouts.summary(partnerId, currency);
        Optional<RequisitesView> approved = requisites.approved(partnerId);
        Optional<RequisitesView> pending = requisites.pending(partnerId);
        RequisitesInfo req = approved.map(r -> info("approved", r)).or(() -> pending.map(r -> info("pending", r))).orElse(null);
        List<PayoutItem> items = payouts.of(partnerId, 100).stream().map(p -> item(p, lang)).toList();
        return new PayoutsView(Money.of(s.available(), currency, lang), Money.of(payouts.minimum(), currency, lang), req,
                approved.isPresent() ? pending.map(r -> info("pending", r)).orElse(null) : null, items);
    }

    private static RequisitesInfo info(String status, RequisitesView r) {
        return new RequisitesInfo(status, r.maskedAccount(), r.legalName(), r.method(), r.currency());
    }

    private PayoutItem item(PayoutView p, String lang) {
        String reason = p.rejectReason() != null ? p.rejectReason() : p.cancelReason();
        return new PayoutItem(p.id(), Money.of(p.amount(), p.currency(), lang), p.status(),
                messages.text(lang, "miniapp.payout-status." + p.status()), p.createdAt(), formats.dateTime(p.createdAt(), lang),
                p.invoiceNumber(), p.invoiceNumber() == null ? null : "/app/api/payouts/" + p.id() + "/invoice.pdf", reason);
    }

    record NewPayout(String amount, String key) {
    }

    @PostMapping("/payouts")
    ResponseEntity<Created> requestPayout(MiniAppUser user, @RequestBody NewPayout body) {
        long partnerId = partner(user);
        String key = body.key() == null ? "" : body.key().strip();
        if (!key.matches("[A-Za-z0-9_-]{8,64}")) throw new UserError("miniapp.error.bad-request");
        BigDecimal amount = null;
        String raw = body.amount() == null ? "" : body.amount().strip();
        if (!raw.equalsIgnoreCase("all")) {
            try {
                amount = new BigDecimal(raw.replace(',', '.').replace(" ", ""));
            } catch (NumberFormatException e) {
                throw new UserError("validation.amount");
            }
            if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2) throw new UserError("validation.amount");
            amount = amount.setScale(2);
        }
        String currency = requisites.approved(partnerId).map(RequisitesView::currency)
                .orElseThrow(() -> new UserError("payout.no-requisites"));
        // "app:" keeps the page's keys apart from the chat's confirm buttons
        var request = payouts.request(user.userId(), amount, currency, "app:" + key);
        return ResponseEntity.status(request.fresh() ? HttpStatus.CREATED : HttpStatus.OK).body(new Created(request.payout().id(), !request.fresh()));
    }

    @GetMapping("/payouts/{id}/invoice.pdf")
    ResponseEntity<byte[]> invoice(MiniAppUser user, @PathVariable long id) {
        PayoutView p = payouts.find(id).orElseThrow(MiniAppErrors.Refusal::notFound);
        // a manager opens any invoice (the queue links them); a partner only their own, others look like none
        if (!user.isManager() && (user.partnerId() == null || p.partnerId() != user.partnerId())) {
            throw MiniAppErrors.Refusal.notFound();
        }
        byte[] pdf = payouts.invoicePdf(id).orElseThrow(MiniAppErrors.Refusal::notFound);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF).cacheControl(CacheControl.noStore())
                .header("Content-Disposition", "inline; filename=\"invoice-" + p.invoiceNumber() + ".pdf\"").body(pdf);
    }

    record RequisitesForm(String method, String account, String bankCode, String legalName, String taxId, String currency) {
    }

    @PostMapping("/requisites")
    ResponseEntity<Map<String, Object>> requisites(MiniAppUser user, @RequestBody RequisitesForm f) {
        partner(user);
        RequisitesView v = requisites.submitForm(user.userId(), new Requisites.Form(f.method(), f.account(), f.bankCode(),
                f.legalName(), f.taxId(), f.currency()), deals.currencies());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("status", "pending", "masked", v.maskedAccount(),
                "version", v.version()));
    }

    // ---- training and knowledge ------------------------------------------------------------------------------------

    record Course(String id, String title, boolean mandatory, int lessons, int lessonsRead, boolean passed, String state,
                  String progress, Integer bestScore, String certificateUrl) {
    }

    @GetMapping("/training")
    @Transactional(readOnly = true)
    Map<String, Object> training(MiniAppUser user) {
        List<Course> courses = training.statusOf(user.userId(), user.language()).stream()
                .map(c -> new Course(c.courseId(), c.title(), c.mandatory(), c.lessons(), c.lessonsRead(), c.isPassed(),
                        c.state().name().toLowerCase(Locale.ROOT), c.lessonsRead() + "/" + c.lessons(), c.bestScore(),
                        c.certificateCode() == null ? null : "/certificates/" + c.certificateCode()))
                .toList();
        return Map.of("courses", courses);
    }

    @GetMapping("/kb")
    @Transactional(readOnly = true)
    Map<String, Object> kb(MiniAppUser user, @RequestParam(required = false) String q) {
        return Map.of("sections", kb.sections(user.userId(), user.isManager(), user.language()),
                "results", kb.search(user.userId(), user.isManager(), user.language(), q, 20));
    }

    @GetMapping("/kb/{id}")
    @Transactional(readOnly = true)
    KnowledgeShelf.Article article(MiniAppUser user, @PathVariable String id) {
        return kb.article(user.userId(), user.isManager(), user.language(), id).orElseThrow(MiniAppErrors.Refusal::notFound);
    }

    // ---- invitations -----------------------------------------------------------------------------------------------

    record Invited(String name, String stage, String stageLabel, Instant since) {
    }

    record Invitations(String link, String qr, List<Invited> invited, Money rewards, List<Money> rewardsByCurrency) {
    }

    @GetMapping("/invitations")
    @Transactional // the partner's referral code is made on its first showing
    Invitations invitations(MiniAppUser user) {
        long partnerId = partner(user);
        String lang = user.language();
        List<Invited> invited = referrals.invitees(partnerId, 200).stream()
                .map(i -> new Invited(i.firstName(), i.stage(), messages.text(lang, "miniapp.stage." + i.stage()), i.since()))
                .toList();
        Map<String, BigDecimal> earned = referrals.stats(partnerId).earned();
        String currency = currency(partnerId);
        List<Money> all = earned.entrySet().stream().map(e -> Money.of(e.getValue(), e.getKey(), lang)).toList();
        return new Invitations(referrals.linkOf(partnerId), "/app/api/invitations/qr.png", invited,
                Money.of(earned.getOrDefault(currency, BigDecimal.ZERO.setScale(2)), currency, lang), all);
    }

    @GetMapping(value = "/invitations/qr.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> qr(MiniAppUser user) {
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).cacheControl(CacheControl.noStore())
                .body(referrals.qrPng(partner(user), 512));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** The caller's partner id; anyone who is not an approved partner is refused (403). */
    static long partner(MiniAppUser user) {
        if (!user.isPartner()) throw MiniAppErrors.Refusal.forbidden();
        return user.partnerId();
    }

    /** The currency the partner is paid in: their requisites', else the one they have money in, else the default. */
    private String currency(long partnerId) {
        return requisites.approved(partnerId).map(RequisitesView::currency)
                .or(() -> ledger.balances(partnerId).stream().map(io.partnerka.money.Balance::currency).findFirst())
                .orElse(deals.currencies().get(0));
    }

    private Balance balance(MiniAppUser user) {
        return balance(payouts.summary(user.partnerId(), currency(user.partnerId())), user.language());
    }

    private static Balance balance(Payouts.Summary s, String lang) {
        return new Balance(Money.of(s.available(), s.currency(), lang), Money.of(s.onHold(), s.currency(), lang),
                Money.of(s.paidOut(), s.currency(), lang));
    }
}
