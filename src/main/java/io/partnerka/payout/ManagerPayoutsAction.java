package io.partnerka.payout;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Managers: {@code /payouts} (requests queued for payment, each with Mark paid and Cancel payout buttons: a bounced
 * transfer gives the money back to the partner's balance), {@code /payouts_csv} (every
 * request as a CSV file for the accounting department) and {@code /invoice <id>} (a request's invoice again).
 */
@Component
class ManagerPayoutsAction implements ChatAction {

    private final Payouts payouts;
    private final Partners partners;
    private final Requisites requisites;
    private final ZoneId zone;
    private final DateTimeFormatter stamp = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    ManagerPayoutsAction(Payouts payouts, Partners partners, Requisites requisites,
                         @Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.payouts = payouts;
        this.partners = partners;
        this.requisites = requisites;
        this.zone = ZoneId.of(zone);
    }

    @Override
    public Set<String> commands() {
        return Set.of("payouts", "payouts_csv", "invoice");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("payout.menu.payouts");
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) throw new UserError("common.not-manager");
        String command = ctx.inbound().command();
        switch (command == null ? "payouts" : command) {
            case "payouts_csv" -> csv(ctx);
            case "invoice" -> invoice(ctx, args.strip());
            default -> queued(ctx);
        }
    }

    private void queued(ChatContext ctx) {
        List<PayoutView> queued = payouts.inStatus("APPROVED", 20);
        if (queued.isEmpty()) {
            ctx.say("payout.queue-empty");
            return;
        }
        ctx.say("payout.queue-title", "count", queued.size());
        for (PayoutView v : queued) {
            PartnerView p = partners.byId(v.partnerId()).orElseThrow();
            RequisitesView r = requisites.find(v.requisitesId()).orElseThrow();
            ctx.reply(Reply.Text.of(ctx.text("payout.queue-line", "id", v.id(), "number", v.invoiceNumber(), "name", p.name(),
                            "amount", new Messages.Trusted(Formats.money(v.amount(), v.currency(), ctx.language())),
                            "account", r.maskedAccount(), "legalName", r.legalName()))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("payout.mark-paid-button"), "po:paid:" + v.id()),
                            ctx.button(ctx.text("payout.cancel-button"), "po:cancel:" + v.id())))));
        }
    }

    private void invoice(ChatContext ctx, String id) {
        if (!id.matches("\\d{1,18}")) throw new UserError("payout.invoice-usage");
        if (payouts.invoicePdf(Long.parseLong(id)).isEmpty()) throw new UserError("payout.not-found");
        PayoutView v = payouts.find(Long.parseLong(id)).orElseThrow();
        ctx.reply(Reply.Document.stored(InvoiceDocuments.NAME, String.valueOf(v.id()), "invoice-" + v.invoiceNumber() + ".pdf",
                ctx.text("payout.invoice-caption-resend", "number", v.invoiceNumber(), "id", v.id())));
    }

    private void csv(ChatContext ctx) {
        StringBuilder out = new StringBuilder("\uFEFF");
        out.append("payout_id;invoice_number;partner_id;partner_name;amount;currency;status;requested_at;approved_at;paid_at;"
                + "payment_reference;reject_reason;method;account_masked;bank_code;legal_name;tax_id;cancelled_at;cancel_reason\n");
        int count = 0;
        for (PayoutView v : payouts.all()) {
            PartnerView p = partners.byId(v.partnerId()).orElse(null);
            RequisitesView r = requisites.find(v.requisitesId()).orElseThrow();
            out.append(String.join(";", List.of(String.valueOf(v.id()), str(v.invoiceNumber()), String.valueOf(v.partnerId()),
                    cell(p == null ? "" : p.name()), v.amount().toPlainString(), v.currency(), v.status(),
                    time(v.createdAt()), time(v.approvedAt()), time(v.paidAt()), cell(v.paymentReference()),
                    cell(v.rejectReason()), r.method(), cell(r.maskedAccount()), cell(r.bankCode()), cell(r.legalName()),
                    cell(r.taxId()), time(v.cancelledAt()), cell(v.cancelReason())))).append('\n');
            count++;
        }
        ctx.reply(new Reply.Document("payouts-" + LocalDate.now(zone) + ".csv", out.toString().getBytes(StandardCharsets.UTF_8),
                ctx.text("payout.csv-caption", "count", count)));
    }

    private String time(java.time.Instant at) {
        return at == null ? "" : stamp.format(at.atZone(zone).toOffsetDateTime());
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /** A CSV cell: quoted, quotes doubled, and a leading = + - @ neutralised so a spreadsheet never runs it. */
    static String cell(String value) {
        if (value == null) return "";
        String v = value.replace("\r", " ").replace("\n", " ");
        if (!v.isEmpty() && "=+-@\t".indexOf(v.charAt(0)) >= 0) v = "'" + v;
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
