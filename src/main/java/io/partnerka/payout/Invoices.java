package io.partnerka.payout;

import io.partnerka.conversation.Messages;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import io.partnerka.money.Ledger;
import io.partnerka.money.LedgerLine;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.requisites.RequisitesView;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The texts of a payout invoice in the partner's language: the company (payer) from configuration, the partner
 * (payee) with their approved requisites masked, the period since their previous request, the commissions and
 * referral rewards booked in it, and the amount requested.
 */
@Component
class Invoices {

    private final Messages messages;
    private final Ledger ledger;
    private final Deals deals;
    private final PayoutSettings settings;
    private final InvoicePdf pdf;
    private final Formats formats;

    Invoices(Messages messages, Ledger ledger, Deals deals, PayoutSettings settings, InvoicePdf pdf,
             Formats formats) {
        this.messages = messages;
        this.ledger = ledger;
        this.deals = deals;
        this.settings = settings;
        this.pdf = pdf;
        this.formats = formats;
    }

    String fileName(long number) {
        return "invoice-" + number + ".pdf";
    }

    byte[] render(PayoutView payout, long number, PartnerView partner, RequisitesView req, String lang) {
        PayoutSettings.Company company = settings.company;
        List<String> payer = new ArrayList<>();
        payer.add(company.name());
        if (!company.taxId().isBlank()) payer.add(t(lang, "payout.invoice.tax-id", "value", company.taxId()));
        if (!company.address().isBlank()) payer.add(company.address());
        if (!company.bank().isBlank()) payer.add(company.bank());
        if (!company.email().isBlank()) payer.add(company.email());
        List<String> payee = new ArrayList<>();
        payee.add(req.legalName() + " " + t(lang, "payout.invoice.partner-no", "id", partner.id()));
        if (req.taxId() != null) payee.add(t(lang, "payout.invoice.tax-id", "value", req.taxId()));
        payee.add(t(lang, "payout.invoice.method", "method", t(lang, "requisites.method." + req.method()).replaceAll("^\\P{L}+", ""),
                "account", req.maskedAccount()));
        if (req.bankCode() != null) payee.add(t(lang, "payout.invoice.bank-code", "value", req.bankCode()));

        List<String[]> rows = new ArrayList<>();
        BigDecimal earned = BigDecimal.ZERO.setScale(2);
        for (LedgerLine line : ledger.earningsBetween(payout.partnerId(), payout.currency(), payout.periodFrom(), payout.periodTo())) {
            earned = earned.add(line.amount());
            rows.add(new String[]{formats.date(line.at(), lang), describe(line, lang), Formats.money(line.amount(), line.currency(), lang)});
        }
        return pdf.render(new InvoicePdf.Content(
                t(lang, "payout.invoice.title", "number", number),
                t(lang, "payout.invoice.date", "date", formats.date(payout.createdAt(), lang)),
                t(lang, "payout.invoice.payer"), payer,
                t(lang, "payout.invoice.payee"), payee,
                t(lang, "payout.invoice.period", "from", formats.date(payout.periodFrom(), lang), "to", formats.date(payout.periodTo(), lang)),
                new String[]{t(lang, "payout.invoice.col-date"), t(lang, "payout.invoice.col-what"), t(lang, "payout.invoice.col-amount")},
                rows, t(lang, "payout.invoice.no-rows"),
                t(lang, "payout.invoice.earned", "amount", Formats.money(earned, payout.currency(), lang)),
                t(lang, "payout.invoice.total", "amount", Formats.money(payout.amount(), payout.currency(), lang)),
                t(lang, "payout.invoice.footer")));
    }

    private String describe(LedgerLine line, String lang) {
        String kind = line.type().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (line.dealId() != null) {
            String client = deals.find(line.dealId()).map(DealView::clientName).orElse("—");
            return t(lang, "payout.invoice.line." + kind, "deal", line.dealId(), "client", client);
        }
        return t(lang, "payout.invoice.line." + kind, "deal", "—", "client", "—");
    }

    /** Plain text for the PDF: the catalogue escapes arguments for Telegram HTML, the PDF wants them as typed. */
    private String t(String lang, String key, Object... args) {
        return org.springframework.web.util.HtmlUtils.htmlUnescape(messages.text(lang, key, Messages.args(args)));
    }
}
