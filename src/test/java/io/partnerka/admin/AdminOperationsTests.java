package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The back office does what a manager does in the bot, through the same services, over real HTTP: decisions made
 * on the web reach the partner and are refused a second time; decisions made in the bot show on the web; a deal
 * change tells the partner and accrues commission; partners are blocked, unblocked and reassigned; one person is
 * one identity in the audit log whichever channel they used.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class AdminOperationsTests {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Approvals approvals;
    @Autowired ConversationEngine engine;
    @Autowired Messages messages;

    private AdminFixtures fixtures() {
        return new AdminFixtures(jdbc, approvals);
    }

    @Test
    void anApplicationApprovedOnTheWebReachesThePartnerAndCannotBeDecidedAgain() {
        AdminFixtures f = fixtures();
        AdminFixtures.Applicant a = f.application("Ольга Веб");
        long outboxBefore = f.lastOutboxId();
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");

        HttpResponse<String> queue = boss.get("/admin/approvals");
        assertThat(queue.body()).contains("data-testid=\"approval-" + a.itemId() + "\"").contains("Ольга Веб");
        HttpResponse<String> approved = boss.postForm("/admin/approvals", "/admin/approvals/" + a.itemId() + "/approve", Map.of());
        assertThat(approved.statusCode()).isEqualTo(302);
        assertThat(approved.headers().firstValue("Location").orElseThrow()).endsWith("/admin/approvals");

        assertThat(status(a.partnerId())).isEqualTo("APPROVED");
        assertThat(f.outboxTexts(a.userId(), outboxBefore)).anySatisfy(t -> assertThat(t).contains("Ольга Веб"));
        // the audit knows the person by their Telegram id (boss is linked to manager 100) and the channel
        assertThat(jdbc.sql("SELECT actor_id || ' ' || channel FROM audit_log WHERE action = 'approval.approved' AND subject = ?")
                .param("application#" + a.partnerId()).query(String.class).single()).isEqualTo("100 web");

        // a second decision, on the web or over the API, is refused and changes nothing
        HttpResponse<String> again = boss.postForm("/admin/approvals/" + a.itemId(), "/admin/approvals/" + a.itemId() + "/reject",
                Map.of("reason", "передумали"));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location").orElseThrow()).endsWith("/admin/approvals/" + a.itemId());
        assertThat(boss.get("/admin/approvals/" + a.itemId()).body()).contains("data-testid=\"error\"").contains("already");
        HttpResponse<String> api = boss.api("POST", "/api/v1/approvals/" + a.itemId() + "/reject", AdminAccessTests.ADMIN_TOKEN, "{\"reason\":\"x\"}");
        assertThat(api.statusCode()).isEqualTo(409);
        assertThat(api.body()).contains("approval.already-decided");
        assertThat(status(a.partnerId())).isEqualTo("APPROVED");
    }

    @Test
    void aDecisionInTheBotShowsOnTheWeb() {
        AdminFixtures f = fixtures();
        ChatTester petr = new ChatTester(engine, messages, jdbc, 200, "Пётр");
        AdminFixtures.Applicant a = f.application("Борис Бот");
        petr.poll();
        petr.press("approval.reject").expect("approval.ask-reason").send("Нет опыта").expect("approval.done-rejected-text");

        WebClient clerk = new WebClient(port).loggedIn("clerk", "clerk-pass");
        String page = clerk.get("/admin/approvals/" + a.itemId()).body();
        assertThat(page).contains("REJECTED").contains("Пётр").contains("Нет опыта").doesNotContain("data-testid=\"approve\"");
        assertThat(clerk.get("/admin/approvals").body()).contains("data-testid=\"decided-" + a.itemId() + "\"")
                .doesNotContain("data-testid=\"approval-" + a.itemId() + "\"");
        HttpResponse<String> late = clerk.postForm("/admin/approvals", "/admin/approvals/" + a.itemId() + "/approve", Map.of());
        assertThat(late.statusCode()).isEqualTo(302);
        assertThat(clerk.get("/admin/approvals/" + a.itemId()).body()).contains("data-testid=\"error\"").contains("Пётр");
        assertThat(status(a.partnerId())).isEqualTo("REJECTED");
    }

    @Test
    void aDealChangedOnTheWebTellsThePartnerWithFieldMessagesForBadInput() {
        AdminFixtures f = fixtures();
        long partner = f.partner("Дина Сделки");
        long deal = f.deal(partner, "Клиент Оплаты");
        long user = f.userOf(partner);
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        String form = "/admin/deals/" + deal;
        assertThat(boss.get(form).body()).contains("Клиент Оплаты").contains("data-testid=\"deal-status\"");

        HttpResponse<String> noAmount = boss.postForm(form, form, Map.of("status", "paid", "currency", "RUB", "version", "0"));
        assertThat(noAmount.statusCode()).isEqualTo(422);
        assertThat(noAmount.body()).contains("data-testid=\"amount-error\"");
        HttpResponse<String> notANumber = boss.postForm(form, form, Map.of("status", "paid", "amount", "много", "currency", "RUB", "version", "0"));
        assertThat(notANumber.statusCode()).isEqualTo(422);
        assertThat(notANumber.body()).contains("Enter a number");
        HttpResponse<String> negative = boss.postForm(form, form, Map.of("status", "paid", "amount", "-5", "currency", "RUB", "version", "0"));
        assertThat(negative.statusCode()).isEqualTo(422);
        assertThat(negative.body()).contains("An amount is more than zero.");
        HttpResponse<String> notAllowed = boss.postForm(form, form, Map.of("status", "refunded", "currency", "RUB", "version", "0"));
        assertThat(notAllowed.statusCode()).isEqualTo(422);
        assertThat(notAllowed.body()).contains("data-testid=\"status-error\"");
        assertThat(jdbc.sql("SELECT status FROM deal WHERE id = ?").param(deal).query(String.class).single()).isEqualTo("new");
        long before = f.lastOutboxId();
        HttpResponse<String> paid = boss.postForm(form, form, Map.of("status", "paid", "amount", "150000", "currency", "RUB",
                "comment", "Оплачено полностью", "version", "0"));
        assertThat(paid.statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("SELECT status FROM deal WHERE id = ?").param(deal).query(String.class).single()).isEqualTo("paid");
        assertThat(f.outboxTexts(user, before)).anySatisfy(t -> assertThat(t).contains("Клиент Оплаты").contains("Оплачено полностью"));
        assertThat(jdbc.sql("SELECT amount FROM ledger_entry WHERE deal_id = ? AND type = 'COMMISSION'").param(deal)
                .query(java.math.BigDecimal.class).single()).isEqualByComparingTo("22500.00");
        assertThat(jdbc.sql("SELECT channel || ' ' || actor_id FROM audit_log WHERE subject = ? AND action = 'deal.moved'")
                .param("deal#" + deal).query(String.class).single()).isEqualTo("web 100");
        assertThat(jdbc.sql("SELECT source FROM deal_history WHERE deal_id = ? ORDER BY id DESC LIMIT 1").param(deal)
                .query(String.class).single()).isEqualTo("web");

        // the API: a stale version is refused, unknown status is a conflict with the reason
        HttpResponse<String> stale = boss.api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.MANAGER_TOKEN,
                "{\"status\":\"refunded\",\"expectedVersion\":0}");
        assertThat(stale.statusCode()).isEqualTo(409);
        HttpResponse<String> invalid = boss.api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.MANAGER_TOKEN,
                "{\"status\":\"\",\"amount\":-1}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"field\":\"status\"").contains("\"field\":\"amount\"");
        HttpResponse<String> refund = boss.api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.MANAGER_TOKEN,
                "{\"status\":\"refunded\",\"comment\":\"Возврат\"}");
        assertThat(refund.statusCode()).isEqualTo(200);
        assertThat(refund.body()).contains("\"changed\":true").contains("\"status\":\"refunded\"");
    }

    @Test
    void partnersAreBlockedUnblockedAndReassigned() {
        AdminFixtures f = fixtures();
        long partner = f.partner("Егор Блок");
        long user = f.userOf(partner);
        long before = f.lastOutboxId();
        WebClient clerk = new WebClient(port).loggedIn("clerk", "clerk-pass");
        String page = "/admin/partners/" + partner;
        assertThat(clerk.get("/admin/partners?q=" + java.net.URLEncoder.encode("Егор Блок", java.nio.charset.StandardCharsets.UTF_8)).body())
                .contains("data-testid=\"partner-row-" + partner + "\"");
        assertThat(clerk.get("/admin/partners?q=Егор&status=BLOCKED".replace("Егор", "%D0%95%D0%B3%D0%BE%D1%80")).body())
                .doesNotContain("data-testid=\"partner-row-" + partner + "\"");
        assertThat(clerk.get("/admin/partners?status=APPROVED", "HX-Request", "true").body())
                .startsWith("<div id=\"table\"").contains("partner-row-" + partner);

        assertThat(clerk.postForm(page, page + "/block", Map.of("reason", "Спам клиентам")).statusCode()).isEqualTo(302);
        assertThat(status(partner)).isEqualTo("BLOCKED");
        assertThat(f.outboxTexts(user, before)).anySatisfy(t -> assertThat(t).contains("Спам клиентам"));
        assertThat(clerk.api("POST", "/api/v1/partners/" + partner + "/block", AdminAccessTests.MANAGER_TOKEN, null).statusCode()).isEqualTo(409);
        assertThat(clerk.postForm(page, page + "/block", Map.of()).statusCode()).isEqualTo(302);
        assertThat(clerk.get(page).body()).contains("data-testid=\"error\"").contains("Only an approved partner can be blocked");
        assertThat(clerk.postForm(page, page + "/unblock", Map.of()).statusCode()).isEqualTo(302);
        assertThat(status(partner)).isEqualTo("APPROVED");

        HttpResponse<String> noManager = clerk.postForm(page, page + "/manager", Map.of("manager", ""));
        assertThat(noManager.statusCode()).isEqualTo(302);
        assertThat(clerk.get(page).body()).contains("Choose a manager.");
        HttpResponse<String> notAManager = clerk.api("PUT", "/api/v1/partners/" + partner + "/manager", AdminAccessTests.MANAGER_TOKEN, "{\"managerId\":12345}");
        assertThat(notAManager.statusCode()).isEqualTo(409);
        long beforeReassign = f.lastOutboxId();
        HttpResponse<String> reassigned = clerk.api("PUT", "/api/v1/partners/" + partner + "/manager", AdminAccessTests.MANAGER_TOKEN, "{\"managerId\":200}");
        assertThat(reassigned.statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT manager_id FROM partner WHERE id = ?").param(partner).query(Long.class).single()).isEqualTo(200L);
        assertThat(f.outboxTexts(200, beforeReassign)).anySatisfy(t -> assertThat(t).contains("Егор Блок"));
        assertThat(jdbc.sql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE subject = ?").param("partner#" + partner)
                .query(String.class).single()).isEqualTo("partner.blocked,partner.unblocked,partner.manager-changed");
    }

    @Test
    void onePersonIsOneIdentityInTheAuditLogWhicheverChannelTheyUsed() {
        AdminFixtures f = fixtures();
        AdminFixtures.Applicant inBot = f.application("Зоя Телеграм");
        AdminFixtures.Applicant onWeb = f.application("Зоя Веб");
        approvals.approve(inBot.itemId(), Decider.telegram(100, "maria_tg"));
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        boss.postForm("/admin/approvals", "/admin/approvals/" + onWeb.itemId() + "/approve", Map.of());

        HttpResponse<String> audit = boss.api("GET", "/api/v1/audit?actor=100&action=approval.", AdminAccessTests.ADMIN_TOKEN, null);
        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(audit.body()).contains("application#" + inBot.partnerId()).contains("application#" + onWeb.partnerId())
                .contains("\"channel\":\"telegram\"").contains("\"channel\":\"web\"").doesNotContain("maria_tg");
        String page = boss.get("/admin/audit?actor=100").body();
        assertThat(page).contains("Partner application #" + inBot.partnerId()).contains("Мария").contains("class=\"changed\"");
    }

    @Test
    void dripChainsArePausedAndResumedByAnAdmin() {
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        assertThat(boss.get("/admin/drip").body()).contains("data-testid=\"chain-onboarding\"").contains("data-testid=\"broadcasts-table\"");
        assertThat(boss.postForm("/admin/drip", "/admin/drip/chains/first-client/pause", Map.of()).statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("SELECT paused FROM drip_chain_state WHERE chain_id = 'first-client'").query(Boolean.class).single()).isTrue();
        HttpResponse<String> resumed = boss.api("POST", "/api/v1/drip/chains/first-client/resume", AdminAccessTests.ADMIN_TOKEN, null);
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT paused FROM drip_chain_state WHERE chain_id = 'first-client'").query(Boolean.class).single()).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE subject = 'chain#first-client'").query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void theDashboardCountsTheFunnelAndRatesPartners() {
        AdminFixtures f = fixtures();
        long star = f.partner("Звезда Рейтинга");
        long deal = f.deal(star, "Большой Клиент");
        WebClient api = new WebClient(port);
        assertThat(api.api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.ADMIN_TOKEN,
                "{\"status\":\"paid\",\"amount\":900000000,\"currency\":\"RUB\"}").statusCode()).isEqualTo(200);

        HttpResponse<String> d = api.api("GET", "/api/v1/dashboard", AdminAccessTests.MANAGER_TOKEN, null);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.body()).contains("\"key\":\"applied\"").contains("\"key\":\"first-paid\"").contains("\"months\"");
        // the biggest revenue of the test data: top of the revenue list and an A
        assertThat(d.body()).containsPattern("\"top\":\\[\\{\"partnerId\":" + star + ",")
                .containsPattern("\"partnerId\":" + star + ",\"name\":\"Звезда Рейтинга\",\"revenue\":900000000\\.00,[^}]*\"grade\":\"A\"");

        String html = new WebClient(port).loggedIn("clerk", "clerk-pass").get("/admin/dashboard").body();
        assertThat(html).contains("data-testid=\"chart-funnel\"").contains("data-chart=\"{").contains("&quot;type&quot;:&quot;bar&quot;")
                .contains("data-testid=\"funnel-table\"").contains("Звезда Рейтинга");
    }

    @Test
    void theFilteredListsDownloadAsCsv() {
        AdminFixtures f = fixtures();
        long partner = f.partner("=Формула, \"Кавычки\"");
        f.deal(partner, "Клиент CSV");
        WebClient clerk = new WebClient(port).loggedIn("clerk", "clerk-pass");
        HttpResponse<String> partners = clerk.get("/admin/partners.csv?status=APPROVED");
        assertThat(partners.statusCode()).isEqualTo(200);
        assertThat(partners.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(partners.headers().firstValue("Content-Disposition").orElseThrow()).contains("partners.csv");
        assertThat(partners.body()).startsWith("\uFEFFid,name,city,status")
                .contains(partner + ",\"'=Формула, \"\"Кавычки\"\"\",Казань,APPROVED");
        HttpResponse<String> deals = clerk.get("/admin/deals.csv?partner=" + partner);
        assertThat(deals.body().lines()).hasSize(2);
        assertThat(deals.body()).contains("Клиент CSV").contains("+7926*****").doesNotContain("+7926" + "1");
        assertThat(new WebClient(port).get("/admin/deals.csv").statusCode()).isEqualTo(302);
    }

    private String status(long partnerId) {
        return jdbc.sql("SELECT status FROM partner WHERE id = ?").param(partnerId).query(String.class).single();
    }
}
