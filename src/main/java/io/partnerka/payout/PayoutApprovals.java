package io.partnerka.payout;

import io.partnerka.approval.ApprovalHandler;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A manager's card of a payout request: who, how much, where to (masked), the invoice, what is left available. */
@Component
class PayoutApprovals implements ApprovalHandler {

    private final Payouts payouts;
    private final Partners partners;
    private final Requisites requisites;
    private final Messages messages;
    private final Formats formats;

    PayoutApprovals(Payouts payouts, Partners partners, Requisites requisites, Messages messages,
                    Formats formats) {
        this.payouts = payouts;
        this.partners = partners;
        this.requisites = requisites;
        this.messages = messages;
        this.formats = formats;
    }

    @Override
    public String kind() {
        return Payouts.KIND;
    }

    @Override
    public String card(long subjectId, String lang) {
        PayoutView v = payouts.find(subjectId).orElseThrow();
        PartnerView p = partners.byId(v.partnerId()).orElseThrow();
        RequisitesView r = requisites.find(v.requisitesId()).orElseThrow();
        Payouts.Summary s = payouts.summary(v.partnerId(), v.currency());
        return messages.text(lang, "payout.card", Messages.args(
                "id", v.id(), "name", p.name(), "partnerId", p.id(),
                "amount", new Messages.Trusted(Formats.money(v.amount(), v.currency(), lang)),
                "method", messages.text(lang, "requisites.method." + r.method()),
                "account", r.maskedAccount(), "legalName", r.legalName(), "version", r.version(),
                "number", v.invoiceNumber() == null ? "—" : v.invoiceNumber(),
                "period", formats.date(v.periodFrom(), lang) + " – " + formats.date(v.periodTo(), lang),
                "available", new Messages.Trusted(Formats.money(s.available(), v.currency(), lang))));
    }

    @Override
    public void approved(long subjectId, Decider decider) {
        payouts.approved(subjectId, decider);
    }

    @Override
    public void rejected(long subjectId, Decider decider, String reason) {
        payouts.rejected(subjectId, reason);
    }
}
