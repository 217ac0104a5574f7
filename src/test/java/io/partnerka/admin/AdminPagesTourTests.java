package io.partnerka.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.partnerka.PartnerkaTest;
import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.testing.Browsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Every admin page as a manager reads it, in English (emma) and in Russian (olga, {@code language: ru}), on a desktop
 * (1440 px) and a phone (390 px): no word of the other language outside what people typed (cells marked
 * {@code user-data}, the bot's cards), no internal code where a label belongs, nothing wider than the phone's screen,
 * the numbers people refer to the same on every page. Screenshots go to target/screenshots/tour-*.png.
 * Same configuration as {@link AdminBrowserTests}: the same Spring context.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class AdminPagesTourTests {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Pattern CYRILLIC = Pattern.compile("[\\u0400-\\u04FF]+");
    /** Codes of the data that must never reach a page as they are stored. */
    private static final Pattern RAW_CODE = Pattern.compile("\\b(in_progress|own-clients|approval\\.approved|approval\\.rejected"
            + "|deal\\.moved|payout\\.paid|PENDING_REVIEW|PRESCORING|REQUESTED|COMMISSION|PAYOUT_HOLD|individual)\\b");
    /** English words of the pages that a Russian page must not show. */
    private static final Pattern ENGLISH_WORD = Pattern.compile("\\b(Dashboard|Approvals?|Approve|Reject|Status|Amount|Partner|Partners"
            + "|Deal|Deals|Payouts?|Waiting|Nothing|Filter|Client|Clients|Applied|Paid|Stage|Month|Ledger|Audit|entries)\\b");
    /** The visible words of a page outside typed data: text, placeholders, titles, labels, chart legends and axes. */
    private static final String PAGE_WORDS = """
            () => {
              const skip = el => el.closest('.user-data, .card-text, script, style, noscript');
              const out = [document.title];
              const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (w.nextNode()) {
                const p = w.currentNode.parentElement;
                const s = w.currentNode.textContent.trim();
                if (p && s && !skip(p)) out.push(s);
              }
              document.querySelectorAll('[placeholder],[title],[aria-label],optgroup[label]').forEach(e => {
                if (skip(e)) return;
                ['placeholder', 'title', 'aria-label', 'label'].forEach(a => { const v = e.getAttribute(a); if (v) out.push(v); });
              });
              document.querySelectorAll('canvas[data-chart]').forEach(c => {
                const cfg = JSON.parse(c.dataset.chart);
                cfg.data.datasets.forEach(d => out.push(d.label));
                if (c.dataset.testid !== 'chart-top') cfg.data.labels.forEach(l => out.push(String(l)));
              });
              return out.join('\\n');
            }""";

    private static Browsers.Chromium chromium;
    private static Browser browser;

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Approvals approvals;
    @Autowired io.partnerka.deal.Deals deals;
    @Autowired io.partnerka.payout.Payouts payouts;
    @Autowired io.partnerka.conversation.ConversationEngine engine;
    @Autowired io.partnerka.conversation.Messages messages;

    @BeforeAll
    static void launchChromium() {
        chromium = Browsers.launchChromium(20_000);
        browser = chromium.browser();
    }

    @AfterAll
    static void closeChromium() {
        if (chromium != null) chromium.close();
    }

    /** What the tour looks at: a waiting application, a decided one, a partner with money, a deal in progress. */
    record Seed(long pendingPartner, long pendingItem, long decidedPartner, long payoutPartner, long dealInProgress) {
    }

    private Seed seed() {
        long waiting = latinApplicant("Lena Latin", "Lisbon");
        long pendingItem = approvals.submit("application", waiting);
        long decided = latinApplicant("Dora Decided", "Dublin");
        // decided on the web by someone not linked to Telegram: the audit log shows their name, not "(-1)"
        approvals.approve(approvals.submit("application", decided), new Decider(-7, "Olga", "web"));

        PayoutFixture.Requested r = new PayoutFixture(jdbc, approvals, deals, payouts, engine, messages).requested("Paula Payout", "5000");
        approvals.approve(r.approvalItemId(), new Decider(-7, "Olga", "web"));
        long deal = new AdminFixtures(jdbc, approvals).deal(r.partnerId(), "Carl Client");
        var moved = new WebClient(port).api("POST", "/api/v1/deals/" + deal + "/changes", AdminAccessTests.ADMIN_TOKEN,
                "{\"status\":\"in_progress\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        return new Seed(waiting, pendingItem, decided, r.partnerId(), deal);
    }

    private long latinApplicant(String name, String city) {
        long user = 880_000_000L + System.nanoTime() % 1_000_000;
        jdbc.sql("INSERT INTO chat (chat_id, user_id, first_name, language) VALUES (?, ?, ?, 'en') ON CONFLICT DO NOTHING")
                .params(user, user, name).update();
        return jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, email, source, segment, language, score)
                        VALUES (?, ?, 'PENDING_REVIEW', 'individual', ?, ?, '+351912345678', 'lena@example.com', 'own-clients',
                                'individual', 'en', 61) RETURNING id""")
                .params(user, user, name, city).query(Long.class).single();
    }

    @Test
    void everyPageReadsInItsReadersLanguageWithLabelsAndFitsAPhone() throws Exception {
        Seed s = seed();
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("dashboard", "/admin");
        pages.put("approvals", "/admin/approvals");
        pages.put("approval", "/admin/approvals/" + s.pendingItem());
        pages.put("partners", "/admin/partners");
        pages.put("partner", "/admin/partners/" + s.payoutPartner());
        pages.put("applicant", "/admin/partners/" + s.pendingPartner());
        pages.put("deals", "/admin/deals");
        pages.put("deal", "/admin/deals/" + s.dealInProgress());
        pages.put("payouts", "/admin/payouts");
        pages.put("drip", "/admin/drip");
        pages.put("audit", "/admin/audit");
        pages.put("users", "/admin/users");
        pages.put("not-found", "/admin/partners/987654321");

        List<String> problems = new ArrayList<>();
        for (String lang : List.of("en", "ru")) {
            for (int width : new int[]{1440, 390}) {
                try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 900))) {
                    Page page = context.newPage();
                    logIn(page, lang.equals("en") ? "emma" : "olga");
                    for (var e : pages.entrySet()) {
                        var response = page.navigate(url(e.getValue()));
                        page.waitForLoadState();
                        String where = lang + " " + width + " " + e.getKey();
                        int expected = e.getKey().equals("not-found") ? 404 : 200;
                        if (response.status() != expected) problems.add(where + ": HTTP " + response.status());
                        String words = (String) page.evaluate(PAGE_WORDS);
                        if (lang.equals("en")) {
                            find(CYRILLIC, words).forEach(w -> problems.add(where + ": Cyrillic “" + w + "”"));
                            if (words.contains("«") || words.contains("»")) problems.add(where + ": Russian quotation marks");
                        } else {
                            find(ENGLISH_WORD, words).forEach(w -> problems.add(where + ": English word “" + w + "”"));
                        }
                        find(RAW_CODE, (String) page.evaluate("() => document.body.innerText")).forEach(
                                c -> problems.add(where + ": raw code “" + c + "”"));
                        if (width == 390) {
                            Number overflow = (Number) page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
                            if (overflow.intValue() > 0) problems.add(where + ": " + overflow + " px wider than the phone");
                        }
                        screenshot(page, "tour-" + lang + "-" + width + "-" + e.getKey() + ".png");
                    }
                    checkDashboard(page, lang, problems);
                    checkNumbering(page, s, lang);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The dashboard's charts: whole-number count axes, no conversion point where nothing was to convert, no empty year. */
    private void checkDashboard(Page page, String lang, List<String> problems) {
        page.navigate(url("/admin"));
        assertThat(page.locator("[data-testid=chart-clients]")).hasAttribute("data-rendered", "true");
        Map<?, ?> charts = (Map<?, ?>) page.evaluate("""
                () => {
                  const cfg = id => JSON.parse(document.querySelector('[data-testid=chart-' + id + ']').dataset.chart);
                  const clients = cfg('clients');
                  return {
                    ticks: [cfg('funnel').options.scales.x.ticks.precision, clients.options.scales.y.ticks.precision,
                            cfg('growth').options.scales.y.ticks.precision],
                    months: clients.data.labels.length,
                    clients: clients.data.datasets[0].data,
                    conversion: clients.data.datasets[2].data,
                    funnelFits: [...document.querySelectorAll('[data-testid=funnel-table]')].every(
                        t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1)
                  };
                }""");
        assertThat((List<?>) charts.get("ticks")).allSatisfy(p -> assertThat(((Number) p).intValue()).isZero());
        List<?> clients = (List<?>) charts.get("clients");
        List<?> conversion = (List<?>) charts.get("conversion");
        for (int i = 0; i < clients.size(); i++) {
            if (((Number) clients.get(i)).intValue() == 0) assertThat(conversion.get(i)).as("conversion of a month without clients").isNull();
        }
        long expectedMonths = jdbc.sql("""
                SELECT least(12, (extract(year FROM age(date_trunc('month', now() AT TIME ZONE 'Europe/Moscow'),
                                   date_trunc('month', min(at) AT TIME ZONE 'Europe/Moscow'))) * 12
                       + extract(month FROM age(date_trunc('month', now() AT TIME ZONE 'Europe/Moscow'),
                                   date_trunc('month', min(at) AT TIME ZONE 'Europe/Moscow'))) + 1)::bigint)
                FROM (SELECT min(applied_at) AS at FROM partner UNION ALL SELECT min(submitted_at) FROM deal) x""")
                .query(Long.class).single();
        assertThat(((Number) charts.get("months")).longValue()).as("months from the program's first one").isEqualTo(expectedMonths);
        if (!Boolean.TRUE.equals(charts.get("funnelFits"))) problems.add(lang + " " + page.viewportSize().width + ": the funnel's table is cut off");
    }

    /** One number per thing: partner #N's application is "application #N" on the queue, in the card and in the audit log. */
    private void checkNumbering(Page page, Seed s, String lang) {
        String application = lang.equals("en") ? "Partner application #" : "Заявка партнёра #";
        page.navigate(url("/admin/approvals"));
        var card = page.locator("[data-testid=approval-" + s.pendingItem() + "]");
        assertThat(card.locator("header a").first()).hasText(application + s.pendingPartner());
        assertThat(card.locator(".card-text")).containsText(application + s.pendingPartner());
        if (lang.equals("en")) {
            // the bot's card for an English reader has no Russian in it (the applicant typed Latin letters)
            assertThat(find(CYRILLIC, card.locator(".card-text").innerText())).isEmpty();
            assertThat(card.locator(".card-text")).containsText("My clients and acquaintances");
        }
        page.navigate(url("/admin/audit?subject=application%23" + s.decidedPartner()));
        var row = page.locator("[data-testid=audit-table] tbody tr").first();
        assertThat(row.locator("td").nth(1)).hasText("Olga");
        assertThat(row.locator("td").nth(3)).hasText(lang.equals("en") ? "Approved" : "Одобрено");
        assertThat(row.locator("td").nth(4)).hasText(application + s.decidedPartner());
        page.navigate(url("/admin/deals/" + s.dealInProgress()));
        assertThat(page.locator("h1")).containsText(lang.equals("en") ? "Deal #" + s.dealInProgress() : "Сделка #" + s.dealInProgress());
        assertThat(page.locator("[data-testid=deal-status]")).hasText(lang.equals("en") ? "🔄 In progress" : messages.text("ru", "deal.status.in_progress"));
    }

    private void logIn(Page page, String username) {
        page.navigate(url("/admin/login"));
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(username + "-pass");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator("h1")).hasText(username.equals("olga") ? "Сводка" : "Dashboard");
    }

    private static List<String> find(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find() && found.size() < 5) found.add(m.group());
        return found;
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static void screenshot(Page page, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }
}
