package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.Deals;
import io.partnerka.payout.PayoutRequest;
import io.partnerka.payout.Payouts;
import io.partnerka.testing.ChatTester;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Payouts in the back office: a request is approved in the web queue (its card shows the invoice), marked paid with
 * a reference (the partner is told), its invoice PDF and the accounting CSV download, the partner page and the
 * dashboard show the money; marking paid twice is refused.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class AdminPayoutTests {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Approvals approvals;
    @Autowired Deals deals;
    @Autowired Payouts payouts;
    @Autowired ConversationEngine engine;
    @Autowired Messages messages;

    @Test
    void aPayoutIsApprovedAndMarkedPaidOnTheWeb() {
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        long partner = f.partner("Пётр Выплатов");
        long user = f.userOf(partner);
        ChatTester chat = new ChatTester(engine, messages, jdbc, user, "Пётр");
        chat.send("/requisites").press("requisites.set-button").expect("requisites.ask-method")
                .press("requisites.method.card").expect("requisites.ask-card")
                .send("4111 1111 1111 1111").expect("requisites.ask-legal-name")
                .send("Выплатов Пётр Ильич").expect("requisites.ask-tax-id-optional")
                .press("common.skip").expect("requisites.ask-currency")
                .press("RUB").expect("requisites.confirm-card")
                .press("common.confirm").expect("requisites.submitted");
        long requisites = jdbc.sql("SELECT max(id) FROM requisites WHERE partner_id = ?").param(partner).query(Long.class).single();
        long requisitesItem = jdbc.sql("SELECT id FROM approval_item WHERE kind = 'requisites' AND subject_id = ?")
                .param(requisites).query(Long.class).single();

        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        // the requisites change is in the same queue, masked
        assertThat(boss.get("/admin/approvals/" + requisitesItem).body()).contains("1111").doesNotContain("4111 1111 1111 1111");
        boss.postForm("/admin/approvals", "/admin/approvals/" + requisitesItem + "/approve", Map.of());
        assertThat(jdbc.sql("SELECT status FROM requisites WHERE id = ?").param(requisites).query(String.class).single()).isEqualTo("APPROVED");

        long deal = f.deal(partner, "Клиент Выплаты");
        deals.change(deal, DealChange.external("crm", "paid", new BigDecimal("100000"), "RUB", null, false));
        PayoutRequest request = payouts.request(user, new BigDecimal("10000"), "RUB", "admin-test-" + System.nanoTime());
        long payout = jdbc.sql("SELECT max(id) FROM payout WHERE partner_id = ?").param(partner).query(Long.class).single();
        long item = jdbc.sql("SELECT id FROM approval_item WHERE kind = 'payout' AND subject_id = ?").param(payout).query(Long.class).single();
        assertThat(request).isNotNull();

        assertThat(boss.get("/admin/payouts?status=REQUESTED").body()).contains("data-testid=\"payout-" + payout + "\"")
                .contains("/admin/approvals/" + item);
        assertThat(boss.postForm("/admin/approvals", "/admin/approvals/" + item + "/approve", Map.of()).statusCode()).isEqualTo(302);

        String list = boss.get("/admin/payouts?status=APPROVED").body();
        assertThat(list).contains("data-testid=\"payout-" + payout + "\"").contains("data-testid=\"mark-paid\"").contains("•••• 1111");
        long before = f.lastOutboxId();
        HttpResponse<String> paid = boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + payout + "/paid",
                Map.of("reference", "ПП №512"));
        assertThat(paid.statusCode()).isEqualTo(302);
        assertThat(payouts.find(payout).orElseThrow().status()).isEqualTo("PAID");
        assertThat(f.outboxTexts(user, before)).anySatisfy(t -> assertThat(t).contains("ПП №512"));
        assertThat(jdbc.sql("SELECT actor_id || ' ' || channel FROM audit_log WHERE action = 'payout.paid' AND subject = ?")
                .param("payout#" + payout).query(String.class).single()).isEqualTo("100 web");

        // twice is refused, over the API with a reason
        HttpResponse<String> again = boss.api("POST", "/api/v1/payouts/" + payout + "/paid", AdminAccessTests.MANAGER_TOKEN, "{\"reference\":\"x\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("payout.already-paid");
        assertThat(boss.api("POST", "/api/v1/payouts/987654321/paid", AdminAccessTests.MANAGER_TOKEN, null).statusCode()).isEqualTo(404);

        HttpResponse<String> pdf = boss.get("/admin/payouts/" + payout + "/invoice.pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/pdf");
        assertThat(pdf.body()).startsWith("%PDF");
        assertThat(boss.get("/admin/payouts/987654321/invoice.pdf").statusCode()).isEqualTo(404);

        String csv = boss.get("/admin/payouts.csv?partner=" + partner).body();
        assertThat(csv).startsWith("\uFEFFpayout_id,").contains(payout + ",").contains("PAID").contains("ПП №512").contains("•••• 1111")
                .doesNotContain("4111");

        String page = boss.get("/admin/partners/" + partner).body();
        assertThat(page).contains("data-testid=\"balance-RUB\"").contains("Payouts (1)").contains("data-testid=\"referrals\"");
        String dashboard = boss.get("/admin/dashboard").body();
        assertThat(dashboard).contains("data-testid=\"chart-payouts\"").contains("Paid out, RUB");
        assertThat(boss.api("GET", "/api/v1/payouts?status=PAID&partner=" + partner, AdminAccessTests.MANAGER_TOKEN, null).body())
                .contains("\"id\":" + payout).contains("\"reference\":\"ПП №512\"");
    }
}
