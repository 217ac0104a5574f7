package io.partnerka.payout;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.money.Ledger;
import io.partnerka.money.LedgerLine;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code /balance}: available, on hold, paid out, the latest ledger lines in plain words, and the way to a payout
 * ("po:all:<cur>", "po:part:<cur>" -> a confirm screen whose button "po:ok:<amount>:<cur>:<key>" carries a fresh
 * request key, so pressing it twice makes one request). Managers' "po:paid:<id>" opens the mark-paid form,
 * "po:cancel:<id>" the cancel form (an approved payout whose transfer bounced).
 */
@Component
class BalanceAction implements ChatAction {

    private static final String KEY_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private final Partners partners;
    private final Payouts payouts;
    private final Requisites requisites;
    private final Ledger ledger;
    private final PayoutSettings settings;
    private final Formats formats;
    private final SecureRandom random = new SecureRandom();

    BalanceAction(Partners partners, Payouts payouts, Requisites requisites, Ledger ledger, PayoutSettings settings,
                  Formats formats) {
        this.partners = partners;
        this.payouts = payouts;
        this.requisites = requisites;
        this.ledger = ledger;
        this.settings = settings;
        this.formats = formats;
    }

    @Override
    public Set<String> commands() {
        return Set.of("balance", "payout");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("payout.menu.balance");
    }

    @Override
    public String callbackPrefix() {
        return "po";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        String[] a = args.split(":");
        switch (a[0]) {
            case "all" -> confirm(ctx, null, currency(a));
            case "part" -> {
                String currency = currency(a);
                PartnerView p = partners.approvedPartner(ctx.userId());
                approvedRequisites(p, currency);
                ctx.startFlow(PayoutFlows.AMOUNT, Map.of("currency", currency));
            }
            case "ok" -> request(ctx, a);
            case "no" -> ctx.say("payout.request-cancelled");
            case "paid" -> markPaid(ctx, a);
            case "cancel" -> cancel(ctx, a);
            default -> show(ctx);
        }
    }

    private static String currency(String[] a) {
        if (a.length < 2 || !a[1].matches("[A-Z]{3}")) throw new UserError("common.button-invalid");
        return a[1];
    }

    private void show(ChatContext ctx) {
        PartnerView p = partners.approvedPartner(ctx.userId());
        String lang = ctx.language();
        StringBuilder text = new StringBuilder(ctx.text("payout.balance-title"));
        List<Payouts.Summary> summaries = payouts.summaries(p.id());
        if (summaries.isEmpty()) text.append('\n').append(ctx.text("payout.balance-empty"));
        for (Payouts.Summary s : summaries) {
            text.append("\n\n").append(ctx.text("payout.balance-currency", "currency", s.currency(),
                    "available", money(s.available(), s.currency(), lang), "onHold", money(s.onHold(), s.currency(), lang),
                    "paidOut", money(s.paidOut(), s.currency(), lang), "earned", money(s.earned(), s.currency(), lang)));
        }
        List<LedgerLine> lines = ledger.lines(p.id(), settings.ledgerLines + 5).stream()
                .filter(l -> !"PAYOUT_SETTLE".equals(l.type())).limit(settings.ledgerLines).toList();
        if (!lines.isEmpty()) {
            text.append("\n\n").append(ctx.text("payout.lines-title"));
            for (LedgerLine l : lines) {
                text.append('\n').append(ctx.text("payout.line." + l.type().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        "date", formats.date(l.at(), lang), "amount", money(l.amount(), l.currency(), lang),
                        "deal", l.dealId() == null ? "—" : l.dealId(), "payout", l.payoutId() == null ? "—" : l.payoutId()));
            }
        }
        List<List<Button>> rows = new ArrayList<>();
        Optional<RequisitesView> req = requisites.approved(p.id());
        if (req.isEmpty()) {
            text.append("\n\n").append(ctx.text("payout.need-requisites"));
            rows.add(List.of(ctx.button(ctx.text("requisites.profile-button"), "rq:show")));
        } else {
            Payouts.Summary s = payouts.summary(p.id(), req.get().currency());
            if (s.available().compareTo(settings.minimum) >= 0) {
                rows.add(List.of(ctx.button(ctx.text("payout.all-button", "amount", money(s.available(), s.currency(), lang)),
                        "po:all:" + s.currency())));
                rows.add(List.of(ctx.button(ctx.text("payout.part-button"), "po:part:" + s.currency())));
            } else {
                text.append("\n\n").append(ctx.text("payout.minimum-hint", "minimum", money(settings.minimum, s.currency(), lang)));
            }
        }
        ctx.reply(Reply.Text.of(text.toString()).withButtons(rows));
    }

    /** The confirm screen: what, where to, and a button with a fresh request key. */
    void confirm(ChatContext ctx, BigDecimal amount, String currency) {
        PartnerView p = partners.approvedPartner(ctx.userId());
        RequisitesView req = approvedRequisites(p, currency);
        Payouts.Summary s = payouts.summary(p.id(), currency);
        BigDecimal value = amount == null ? s.available() : amount;
        String lang = ctx.language();
        if (value.compareTo(settings.minimum) < 0) {
            throw new UserError("payout.below-minimum", Map.of("minimum", Formats.money(settings.minimum, currency, lang),
                    "available", Formats.money(s.available(), currency, lang)));
        }
        if (value.compareTo(s.available()) > 0) {
            throw new UserError("payout.above-available", Map.of("available", Formats.money(s.available(), currency, lang)));
        }
        String payload = "po:ok:" + value.setScale(2).toPlainString() + ":" + currency + ":" + newKey();
        ctx.reply(Reply.Text.of(ctx.text("payout.confirm", "amount", money(value, currency, lang),
                        "method", ctx.text("requisites.method." + req.method()), "account", req.maskedAccount(),
                        "legalName", req.legalName()))
                .withButtons(List.of(List.of(ctx.button(ctx.text("payout.confirm-button"), payload),
                        ctx.button(ctx.text("common.cancel"), "po:no")))));
    }

    private void request(ChatContext ctx, String[] a) {
        if (a.length != 4 || !a[1].matches("\\d{1,15}\\.\\d{2}") || !a[2].matches("[A-Z]{3}")) {
            throw new UserError("common.button-invalid");
        }
        PayoutRequest r = payouts.request(ctx.userId(), new BigDecimal(a[1]), a[2], a[3]);
        PayoutView v = r.payout();
        if (r.fresh()) {
            ctx.say("payout.requested", "number", v.invoiceNumber(), "amount", Payouts.amountOf(v, ctx.language()));
        } else {
            ctx.answerCallback(ctx.text("payout.already-requested", "number", v.invoiceNumber()), false);
            ctx.say("payout.already-requested", "number", v.invoiceNumber());
        }
    }

    private void markPaid(ChatContext ctx, String[] a) {
        if (!ctx.isManager()) throw new UserError("common.not-manager");
        if (a.length != 2 || !a[1].matches("\\d{1,18}")) throw new UserError("common.button-invalid");
        PayoutView v = payouts.find(Long.parseLong(a[1])).orElseThrow(() -> new UserError("payout.not-found"));
        switch (v.status()) {
            case "APPROVED" -> ctx.startFlow(PayoutFlows.PAID, Map.of("payoutId", String.valueOf(v.id())));
            case "PAID" -> throw new UserError("payout.already-paid");
            case "REJECTED" -> throw new UserError("payout.already-rejected");
            case "CANCELLED" -> throw new UserError("payout.already-cancelled");
            default -> throw new UserError("payout.not-approved-yet");
        }
    }

    /** A manager's Cancel payout: asks for the reason the partner will read (only an approved payout). */
    private void cancel(ChatContext ctx, String[] a) {
        if (!ctx.isManager()) throw new UserError("common.not-manager");
        if (a.length != 2 || !a[1].matches("\\d{1,18}")) throw new UserError("common.button-invalid");
        PayoutView v = payouts.find(Long.parseLong(a[1])).orElseThrow(() -> new UserError("payout.not-found"));
        switch (v.status()) {
            case "APPROVED" -> ctx.startFlow(PayoutFlows.CANCEL, Map.of("payoutId", String.valueOf(v.id())));
            case "PAID" -> throw new UserError("payout.cancel-paid");
            case "REJECTED" -> throw new UserError("payout.cancel-rejected");
            case "CANCELLED" -> throw new UserError("payout.already-cancelled");
            default -> throw new UserError("payout.cancel-not-approved");
        }
    }

    private RequisitesView approvedRequisites(PartnerView p, String currency) {
        RequisitesView req = requisites.approved(p.id()).orElseThrow(() -> new UserError("payout.no-requisites"));
        if (!req.currency().equals(currency)) throw new UserError("payout.currency-changed", Map.of("currency", req.currency()));
        return req;
    }

    private String newKey() {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 10; i++) key.append(KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length())));
        return key.toString();
    }

    private static Messages.Trusted money(BigDecimal value, String currency, String lang) {
        return new Messages.Trusted(Formats.money(value, currency, lang));
    }
}
