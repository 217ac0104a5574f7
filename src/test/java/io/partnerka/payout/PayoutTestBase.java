package io.partnerka.payout;

import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.DealsTestBase;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import org.springframework.beans.factory.annotation.Autowired;

/** What the requisites, payout and referral tests share (one application context with the deal tests). */
public abstract class PayoutTestBase extends DealsTestBase {

    public static final String CARD = "4111 1111 1111 1111";
    @Autowired protected Approvals approvals;
    @Autowired protected Payouts payouts;

    /** Card requisites in RUB through the real form, approved by a manager. */
    protected void approvedRequisites(ChatTester partner, String legalName) {
        partner.send("/requisites").press("requisites.set-button").expect("requisites.ask-method")
                .press("requisites.method.card").expect("requisites.ask-card")
                .send(CARD).expect("requisites.ask-legal-name")
                .send(legalName).expect("requisites.ask-tax-id-optional")
                .press("common.skip").expect("requisites.ask-currency")
                .press("RUB").expect("requisites.confirm-card")
                .press("common.confirm").expect("requisites.submitted");
        approvals.approve(openItem("requisites", latestRequisites(partner)), Decider.telegram(MANAGER, "Мария"));
    }

    protected long latestRequisites(ChatTester partner) {
        return jdbc.sql("SELECT max(r.id) FROM requisites r JOIN partner p ON p.id = r.partner_id WHERE p.user_id = ?")
                .param(partner.userId()).query(Long.class).single();
    }

    protected long openItem(String kind, long subjectId) {
        return jdbc.sql("SELECT id FROM approval_item WHERE kind = ? AND subject_id = ? AND status = 'PENDING'")
                .params(kind, subjectId).query(Long.class).single();
    }

    /** A client of the partner, paid: the partner's commission accrues (15 % by default). */
    protected DealView paidDeal(ChatTester partner, String client, String amount) {
        DealView deal = submit(partner, client);
        deals.change(deal.id(), DealChange.external("crm", "paid", new BigDecimal(amount), "RUB", null, false));
        return deal;
    }

    protected Payouts.Summary rub(ChatTester partner) {
        return payouts.summary(partnerOf(partner).id(), "RUB");
    }
}
