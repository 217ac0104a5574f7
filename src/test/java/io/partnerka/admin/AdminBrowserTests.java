package io.partnerka.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.partnerka.PartnerkaTest;
import io.partnerka.approval.Approvals;
import io.partnerka.testing.Browsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The admin web app in a real browser (the system Chromium, headless): log in, approve an application and see the
 * bot tell the partner, find the decision in the audit log, watch the dashboard draw its charts, get a message next
 * to a form field. Screenshots go to target/screenshots. Skipped where /usr/bin/chromium does not exist.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class AdminBrowserTests {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final double TIMEOUT_MS = 20_000;

    private static Browsers.Chromium chromium;
    private static Browser browser;

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Approvals approvals;
    @Autowired io.partnerka.deal.Deals deals;
    @Autowired io.partnerka.payout.Payouts payouts;
    @Autowired io.partnerka.conversation.ConversationEngine engine;
    @Autowired io.partnerka.conversation.Messages messages;

    private BrowserContext context;
    private Page page;
    private final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void launchChromium() {
        chromium = Browsers.launchChromium(TIMEOUT_MS);
        browser = chromium.browser();
    }

    @AfterAll
    static void closeChromium() {
        if (chromium != null) chromium.close();
    }

    @BeforeEach
    void openBrowser() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        context.setDefaultTimeout(TIMEOUT_MS);
        page = context.newPage();
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) consoleErrors.add(m.text());
        });
    }

    @AfterEach
    void closeBrowser() {
        if (context != null) context.close();
    }

    private void logIn(String username, String password) {
        page.navigate(url("/admin"));
        assertThat(page).hasURL(url("/admin/login"));
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator("h1")).hasText("Dashboard");
    }

    @Test
    void anOperatorLogsInApprovesAnApplicationAndFindsTheDecisionInTheAuditLog() throws Exception {
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        AdminFixtures.Applicant a = f.application("Вера Браузер");
        long before = f.lastOutboxId();

        page.navigate(url("/admin/login"));
        page.getByLabel("Username").fill("boss");
        page.getByLabel("Password").fill("wrong-password");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator("[data-testid=login-error]")).isVisible();
        screenshot("admin-login-error.png");

        logIn("boss", "boss-pass");
        page.locator("[data-testid=nav-approvals]").click();
        var card = page.locator("[data-testid=approval-" + a.itemId() + "]");
        assertThat(card).containsText("Вера Браузер");
        screenshot("admin-approvals.png");
        card.locator("[data-testid=approve]").click();
        // named by what it decides: partner #N's application is "Partner application #N", here as in the bot and the audit log
        assertThat(page.locator("[data-testid=notice]")).containsText("Partner application #" + a.partnerId() + " approved");
        assertThat(page.locator("[data-testid=decided-" + a.itemId() + "]")).containsText("Approved");

        // the bot tells the partner (an outbox row for their chat) in the same transaction as the decision
        assertThat(f.outboxTexts(a.userId(), before)).anySatisfy(t -> assertThat(t).contains("Вера Браузер"));
        assertThat(jdbc.sql("SELECT status FROM partner WHERE id = ?").param(a.partnerId()).query(String.class).single()).isEqualTo("APPROVED");

        page.navigate(url("/admin/audit?subject=application%23" + a.partnerId()));
        var row = page.locator("[data-testid=audit-table] tbody tr").first();
        assertThat(row).containsText("Approved");
        assertThat(row).containsText("Partner application #" + a.partnerId());
        assertThat(row).containsText("Мария");
        assertThat(row).containsText("Web");
        assertThat(row.locator(".changed")).containsText("Waiting");
        screenshot("admin-audit.png");

        page.locator("[data-testid=logout]").click();
        assertThat(page).hasURL(url("/admin/login?logout"));
        page.navigate(url("/admin/approvals"));
        assertThat(page).hasURL(url("/admin/login"));
    }

    @Test
    void anOperatorApprovesAPayoutMarksItPaidAndFindsBothInTheAuditLog() throws Exception {
        PayoutFixture.Requested r = new PayoutFixture(jdbc, approvals, deals, payouts, engine, messages).requested("Яна Выплата", "5000");
        logIn("boss", "boss-pass");
        page.locator("[data-testid=nav-approvals]").click();
        var card = page.locator("[data-testid=approval-" + r.approvalItemId() + "]");
        assertThat(card).containsText("5");
        card.locator("[data-testid=approve]").click();
        assertThat(page.locator("[data-testid=notice]")).containsText("Payout #" + r.payoutId() + " approved");

        page.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Page.GetByRoleOptions().setName("Payouts")).click();
        var row = page.locator("[data-testid=payout-" + r.payoutId() + "]");
        assertThat(row).containsText("Approved");
        row.locator("input[name=reference]").fill("ПП 77");
        row.locator("[data-testid=mark-paid]").click();
        assertThat(page.locator("[data-testid=notice]")).containsText("marked paid");
        assertThat(page.locator("[data-testid=payout-" + r.payoutId() + "]")).containsText("Paid");
        screenshot("admin-payouts.png");

        page.navigate(url("/admin/audit?subject=payout%23" + r.payoutId()));
        assertThat(page.locator("[data-testid=audit-table]")).containsText("Payout marked paid");
        assertThat(page.locator("[data-testid=audit-table]")).containsText("Approved");
        assertThat(page.locator("[data-testid=audit-table] tbody tr").first()).containsText("ПП 77");
    }

    @Test
    void theDashboardDrawsItsCharts() throws Exception {
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        long partner = f.partner("Глеб График");
        long deal = f.deal(partner, "Клиент Графика");
        new WebClient(port).api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.ADMIN_TOKEN,
                "{\"status\":\"paid\",\"amount\":50000,\"currency\":\"RUB\"}");

        logIn("clerk", "clerk-pass");
        for (String chart : List.of("funnel", "clients", "growth", "top", "payouts")) {
            var canvas = page.locator("[data-testid=chart-" + chart + "]");
            assertThat(canvas).hasAttribute("data-rendered", "true");
            Object drawn = canvas.evaluate("c => { const ch = Chart.getChart(c); return ch ? ch.data.datasets.length : 0; }");
            assertThat(((Number) drawn).intValue()).as(chart).isPositive();
        }
        assertThat(page.locator("[data-testid=funnel-applied] td").nth(1)).not().hasText("0");
        assertThat(consoleErrors).as("browser console errors (e.g. the content security policy)").isEmpty();
        screenshot("admin-dashboard.png");

        // on a phone the pages stay usable: the charts still draw, tables scroll inside their box
        page.setViewportSize(390, 844);
        page.reload();
        assertThat(page.locator("[data-testid=chart-funnel]")).hasAttribute("data-rendered", "true");
        Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(1);
        screenshot("admin-dashboard-phone.png");
    }

    @Test
    void aDealFormShowsItsMessageNextToTheFieldAndThenSaves() throws Exception {
        AdminFixtures f = new AdminFixtures(jdbc, approvals);
        long partner = f.partner("Фаина Форма");
        long deal = f.deal(partner, "Клиент Формы");
        long before = f.lastOutboxId();
        logIn("clerk", "clerk-pass");

        page.navigate(url("/admin/partners"));
        page.locator("input[name=q]").fill("Фаина Форма");
        assertThat(page.locator("[data-testid=partner-row-" + partner + "]")).isVisible(); // htmx swapped the table
        assertThat(page.locator("#table tbody tr")).hasCount(1);
        page.locator("[data-testid=partner-row-" + partner + "] a").click();
        assertThat(page.locator("h1")).containsText("Фаина Форма");
        page.getByText("All deals of this partner").click();
        page.locator("[data-testid=deal-row-" + deal + "] a").first().click();

        page.locator("select[name=status]").selectOption("paid");
        page.locator("[data-testid=save-deal]").click();
        assertThat(page.locator("[data-testid=amount-error]")).isVisible();
        assertThat(page.locator("input[name=amount]")).hasAttribute("aria-invalid", "true");
        screenshot("admin-deal-error.png");

        page.locator("select[name=status]").selectOption("paid");
        page.locator("input[name=amount]").fill("70000.50");
        page.locator("textarea[name=comment]").fill("Спасибо за клиента");
        page.locator("[data-testid=save-deal]").click();
        assertThat(page.locator("[data-testid=notice]")).containsText("is now ✅ Paid");
        assertThat(page.locator("[data-testid=deal-status]")).hasText("✅ Paid");
        assertThat(page.locator("[data-testid=deal-amount]")).containsText("70,000.50");
        assertThat(f.outboxTexts(f.userOf(partner), before)).anySatisfy(t -> assertThat(t).contains("Спасибо за клиента"));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }
}
