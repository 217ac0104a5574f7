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
 * dashboard show the money; marking paid twice is refused. An approved payout whose transfer bounced is cancelled with
 * a reason on the web (the hold comes back once, the partner is told, the audit log has it); a paid one cannot be.
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

    @Test
    void anApprovedPayoutIsCancelledOnTheWebWithAReason() {
        PayoutFixture.Requested r = new PayoutFixture(jdbc, approvals, deals, payouts, engine, messages).requested("Ирина Возвратная", "4000");
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        long id = r.payoutId();
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        boss.postForm("/admin/approvals", "/admin/approvals/" + r.approvalItemId() + "/approve", Map.of());
        assertThat(boss.get("/admin/payouts?status=APPROVED").body()).contains("data-testid=\"payout-" + id + "\"")
                .contains("/admin/payouts/" + id + "/cancel").contains("data-testid=\"cancel-payout\"");

        // without a reason nothing happens
        assertThat(boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + id + "/cancel", Map.of("reason", "  "))
                .statusCode()).isEqualTo(302);
        assertThat(boss.get("/admin/payouts?status=APPROVED").body()).contains("Give the reason for the cancellation");
        assertThat(payouts.find(id).orElseThrow().status()).isEqualTo("APPROVED");

        long before = f.lastOutboxId();
        HttpResponse<String> cancelled = boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + id + "/cancel",
                Map.of("reason", "Банк вернул перевод: неверный счёт"));
        assertThat(cancelled.statusCode()).isEqualTo(302);
        assertThat(boss.get("/admin/payouts").body()).contains("Payout #" + id + " cancelled")
                .contains("Банк вернул перевод: неверный счёт");
        assertThat(payouts.find(id).orElseThrow().status()).isEqualTo("CANCELLED");
        assertThat(payouts.summary(r.partnerId(), "RUB")).satisfies(s -> {
            assertThat(s.available()).isEqualByComparingTo("15000");
            assertThat(s.onHold()).isEqualByComparingTo("0");
        });
        assertThat(f.outboxTexts(r.userId(), before)).filteredOn(t -> t.contains("Банк вернул перевод: неверный счёт")).hasSize(1);
        assertThat(jdbc.sql("SELECT actor_id || ' ' || channel FROM audit_log WHERE action = 'payout.cancelled' AND subject = ?")
                .param("payout#" + id).query(String.class).single()).isEqualTo("100 web");

        // again (a second tab, another operator): a clear refusal, one release only; over the API a 409 with the reason
        boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + id + "/cancel", Map.of("reason", "ещё раз"));
        assertThat(boss.get("/admin/payouts").body()).contains("already cancelled");
        HttpResponse<String> again = boss.api("POST", "/api/v1/payouts/" + id + "/cancel", AdminAccessTests.MANAGER_TOKEN,
                "{\"reason\":\"x\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("payout.already-cancelled");
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_entry WHERE payout_id = ? AND type = 'PAYOUT_CANCEL'").param(id)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(boss.api("POST", "/api/v1/payouts/" + id + "/cancel", AdminAccessTests.MANAGER_TOKEN, "{}").statusCode())
                .isEqualTo(400);
        assertThat(boss.get("/admin/payouts.csv?partner=" + r.partnerId()).body()).contains("CANCELLED")
                .contains("Банк вернул перевод: неверный счёт");

        // a paid payout cannot be cancelled: over the API a 409 that says so, on the page the same words
        long paid = payouts.request(r.userId(), new BigDecimal("2000"), "RUB", "web-paid-" + System.nanoTime()).payout().id();
        approvals.approve(jdbc.sql("SELECT id FROM approval_item WHERE kind = 'payout' AND subject_id = ?").param(paid)
                .query(Long.class).single(), Decider.telegram(200, "Пётр"));
        boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + paid + "/paid", Map.of("reference", "ПП №9"));
        HttpResponse<String> late = boss.api("POST", "/api/v1/payouts/" + paid + "/cancel", AdminAccessTests.MANAGER_TOKEN,
                "{\"reason\":\"поздно\"}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("payout.cancel-paid");
        boss.postForm("/admin/payouts?status=APPROVED", "/admin/payouts/" + paid + "/cancel", Map.of("reason", "поздно"));
        assertThat(boss.get("/admin/payouts").body()).contains("a paid payout cannot be cancelled");
        assertThat(payouts.find(paid).orElseThrow().status()).isEqualTo("PAID");
        assertThat(boss.api("POST", "/api/v1/payouts/987654321/cancel", AdminAccessTests.MANAGER_TOKEN, "{\"reason\":\"x\"}")
                .statusCode()).isEqualTo(404);
    }
}
