package io.partnerka.payout;

import io.partnerka.approval.ApprovalHandler;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Formats;
import io.partnerka.money.Ledger;
import io.partnerka.partner.Partners;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** A manager's card of a payout request: who, how much, where to (masked), the invoice, what is left available. */
@Component
class PayoutApprovals implements ApprovalHandler {

    private final Payouts payouts;
    private final Partners partners;
    private final Requisites requisites;
    private final Messages messages;
    private final Formats formats;
    private final Ledger ledger;

    PayoutApprovals(Payouts payouts, Partners partners, Requisites requisites, Messages messages,
                    Formats formats, Ledger ledger) {
        this.ledger = ledger;
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
        String card = cards(List.of(subjectId), lang).get(subjectId);
        if (card == null) throw new java.util.NoSuchElementException("No payout " + subjectId);
        return card;
    }

    /** The cards of many requests with four queries in all, not four per card: a queue shows many at once. */
    @Override
    public Map<Long, String> cards(Collection<Long> subjectIds, String lang) {
        List<PayoutView> views = payouts.find(subjectIds);
        Map<Long, String> names = partners.names(views.stream().map(PayoutView::partnerId).distinct().toList());
        Map<Long, RequisitesView> paidTo = requisites.find(views.stream().map(PayoutView::requisitesId).distinct().toList())
                .stream().collect(Collectors.toMap(RequisitesView::id, r -> r));
        Map<String, Map<Long, BigDecimal>> available = new HashMap<>();
        views.stream().collect(Collectors.groupingBy(PayoutView::currency)).forEach((currency, inCurrency) -> available.put(
                currency, ledger.availableOf(inCurrency.stream().map(PayoutView::partnerId).distinct().toList(), currency)));
        Map<Long, String> out = new HashMap<>();
        for (PayoutView v : views) {
            RequisitesView r = paidTo.get(v.requisitesId());
            BigDecimal left = available.get(v.currency()).getOrDefault(v.partnerId(), BigDecimal.ZERO.setScale(2));
            out.put(v.id(), messages.text(lang, "payout.card", Messages.args(
                    "id", v.id(), "name", names.getOrDefault(v.partnerId(), "—"), "partnerId", v.partnerId(),
                    "amount", new Messages.Trusted(Formats.money(v.amount(), v.currency(), lang)),
                    "method", messages.text(lang, "requisites.method." + r.method()),
                    "account", r.maskedAccount(), "legalName", r.legalName(), "version", r.version(),
                    "number", v.invoiceNumber() == null ? "—" : v.invoiceNumber(),
                    "period", formats.date(v.periodFrom(), lang) + " – " + formats.date(v.periodTo(), lang),
                    "available", new Messages.Trusted(Formats.money(left, v.currency(), lang)))));
        }
        return out;
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
