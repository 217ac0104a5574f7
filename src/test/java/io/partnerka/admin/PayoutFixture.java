package io.partnerka.admin;

import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.Deals;
import io.partnerka.payout.Payouts;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import org.springframework.jdbc.core.simple.JdbcClient;

/** An approved partner with approved card requisites, a paid client and a payout request waiting for a manager. */
record PayoutFixture(JdbcClient jdbc, Approvals approvals, Deals deals, Payouts payouts, ConversationEngine engine,
                     Messages messages) {

    record Requested(long partnerId, long userId, long payoutId, long approvalItemId) {
    }

    Requested requested(String name, String amount) {
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        long partner = f.partner(name);
        long user = f.userOf(partner);
        new ChatTester(engine, messages, jdbc, user, name)
                .send("/requisites").press("requisites.set-button").expect("requisites.ask-method")
                .press("requisites.method.card").expect("requisites.ask-card")
                .send("4111 1111 1111 1111").expect("requisites.ask-legal-name")
                .send(name + " Иванович").expect("requisites.ask-tax-id-optional")
                .press("common.skip").expect("requisites.ask-currency")
                .press("RUB").expect("requisites.confirm-card")
                .press("common.confirm").expect("requisites.submitted");
        long requisites = jdbc.sql("SELECT max(id) FROM requisites WHERE partner_id = ?").param(partner).query(Long.class).single();
        approvals.approve(item("requisites", requisites), Decider.telegram(200, "Пётр"));
        long deal = f.deal(partner, "Клиент " + name);
        deals.change(deal, DealChange.external("crm", "paid", new BigDecimal("100000"), "RUB", null, false));
        long payout = payouts.request(user, new BigDecimal(amount), "RUB", "fixture-" + System.nanoTime()).payout().id();
        return new Requested(partner, user, payout, item("payout", payout));
    }

    long item(String kind, long subject) {
        return jdbc.sql("SELECT id FROM approval_item WHERE kind = ? AND subject_id = ? ORDER BY id DESC LIMIT 1")
                .params(kind, subject).query(Long.class).single();
    }
}
