package io.partnerka.miniapp;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.ScreenshotAnimations;
import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.Browsers;
import io.partnerka.testing.ChatTester;
import io.partnerka.testing.InitData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Mini App in a real browser (the system Chromium, headless) at 390 px: Telegram's script is replaced by the
 * stand-in, given initData signed with the sandbox's token by {@link InitData} (independently of the application's signer) and
 * Telegram's light or dark theme. Every view is walked in English and Russian, light and dark, with screenshots in
 * target/screenshots/miniapp-*.png; no view may overflow sideways, and an English view shows no Cyrillic (except
 * people's names and what they wrote, marked translate="no"). Then a partner submits a client and requests a payout in
 * the Mini App, the manager approves the payout in the queue and moves the deal on the board, and the partner is told
 * in the sandbox chat. Runs on the deal tests' context (sandbox mode).
 */
class MiniAppBrowserTests extends PayoutTestBase {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final double TIMEOUT_MS = 15_000;
    private static final String TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";

    static final Map<String, Map<String, String>> THEMES = Map.of(
            "light", Map.of("bg_color", "#ffffff", "secondary_bg_color", "#efeff3", "text_color", "#000000",
                    "hint_color", "#999999", "link_color", "#2481cc", "button_color", "#2481cc", "button_text_color", "#ffffff",
                    "section_bg_color", "#ffffff", "accent_text_color", "#2481cc", "destructive_text_color", "#e53935"),
            "dark", Map.of("bg_color", "#17212b", "secondary_bg_color", "#0e1621", "text_color", "#f5f5f5",
                    "hint_color", "#708499", "link_color", "#6ab3f3", "button_color", "#5288c1", "button_text_color", "#ffffff",
                    "section_bg_color", "#17212b", "accent_text_color", "#6ab3f3", "destructive_text_color", "#ec3942"));

    private static Browsers.Chromium chromium;
    private static Browser browser;
    private static String standIn;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<BrowserContext> contexts = new ArrayList<>();

    @LocalServerPort
    int port;

    @BeforeAll
    static void launchChromium() throws Exception {
        chromium = Browsers.launchChromium(TIMEOUT_MS);
        browser = chromium.browser();
        try (var in = MiniAppBrowserTests.class.getResourceAsStream("/static/app/assets/telegram-stand-in.js")) {
            standIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void closeChromium() {
        if (chromium != null) chromium.close();
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
    }

    // ---- the walk ------------------------------------------------------------------------------------------------------

    @Test
    void everyViewInEnglishAndRussianLightAndDark() throws Exception {
        for (String lang : List.of("en", "ru")) {
            boolean en = lang.equals("en");
            String name = en ? "Emma Walker" : "Анна Обходова";
            long user = persona(name, lang);
            ChatTester partner = partner(user, name, lang);
            approvedRequisites(partner, en ? "Emma Walker" : "Анна Обходова");
            paidDeal(partner, en ? "Paid Client Ltd" : "ООО Оплата", "100000.00");
            submit(partner, en ? "John Smith" : "Иван Смирнов");
            // a payout waiting in the managers' queue
            payouts.request(user, new java.math.BigDecimal("5000.00"), "RUB", "walk-" + user);
            partner.poll();
            long manager = en ? OTHER_MANAGER : MANAGER;

            for (String scheme : List.of("light", "dark")) {
                String shot = lang + "-" + scheme;
                Page page = open(user, en ? "Emma" : "Анна", lang, scheme, "");
                assertThat(page.locator(".tab[data-tab=home]")).hasAttribute("aria-current", "page");
                assertThat(page.locator("[data-testid=available]")).containsText("10");
                assertThat(page.locator(".bar-row").first()).isVisible();
                assertThat(page.locator("html")).hasAttribute("data-scheme", scheme);
                checkView(page, lang, shot + "-home");

                tab(page, "clients");
                Locator client = page.locator(".list-item.client", new Page.LocatorOptions().setHasText(en ? "John Smith" : "Иван Смирнов"));
                assertThat(client).isVisible();
                checkView(page, lang, shot + "-clients");
                client.click();
                assertThat(page.locator(".timeline li").first()).isVisible();
                assertThat(page.locator("#tg-back-button")).isVisible();
                checkView(page, lang, shot + "-client");
                page.locator("#tg-back-button").click();
                assertThat(page.locator("#tg-back-button")).isHidden();
                page.locator("#tg-main-button").click();
                assertThat(page.locator("form.form [name=phone]")).isVisible();
                checkView(page, lang, shot + "-client-form");

                tab(page, "payouts");
                assertThat(page.locator("[data-testid=masked]")).containsText("1111");
                checkView(page, lang, shot + "-payouts");
                page.locator(".requisites .button.link").click();
                assertThat(page.locator("form.form [name=legalName]")).isVisible();
                checkView(page, lang, shot + "-requisites-form");

                tab(page, "learn");
                assertThat(page.locator(".course").first()).isVisible();
                checkView(page, lang, shot + "-learn");

                tab(page, "invite");
                assertThat(page.locator("[data-testid=invite-link]")).hasValue(java.util.regex.Pattern.compile("^https://t\\.me/.+start="));
                page.waitForCondition(() -> (Boolean) page.evaluate("() => { const q = document.querySelector('img.qr'); return !!q && q.complete && q.naturalWidth > 0; }"));
                checkView(page, lang, shot + "-invite");
                page.context().close();

                Page desk = open(manager, en ? "Clerk" : "Мария", lang, scheme, "");
                assertThat(desk.locator(".tab[data-tab=queue]")).hasAttribute("aria-current", "page");
                assertThat(desk.locator(".tab[data-tab=home]")).hasCount(0);
                assertThat(desk.locator(".queue-item").first()).isVisible();
                checkView(desk, lang, shot + "-queue");
                tab(desk, "deals");
                assertThat(desk.locator(".deal").first()).isVisible();
                desk.locator(".deal [data-action=move]").first().click();
                checkView(desk, lang, shot + "-deals");
                desk.context().close();
            }
        }
    }

    // ---- the journey ----------------------------------------------------------------------------------------------------

    @Test
    void aPartnerSubmitsAClientAndRequestsAPayoutTheManagerApprovesBothAndThePartnerIsTold() throws Exception {
        long user = persona("Вера Миниапп", "ru");
        ChatTester partner = partner(user, "Вера Миниапп", "ru");
        approvedRequisites(partner, "Вера Миниапп");
        paidDeal(partner, "ООО Первый", "100000.00");
        // more new deals than a board column shows at first: the manager reaches this client with "Show more"
        for (int i = 0; i < 21; i++) deals.submitClient(user, "Ранний клиент " + i, newPhone(), "accounting", null);
        partner.poll();
        String client = "Клиент Миниапп " + user;

        Page page = open(user, "Вера", "ru", "light", "?view=clients");
        assertThat(page.locator(".tab[data-tab=clients]")).hasAttribute("aria-current", "page");
        assertThat(page.locator("#tg-main-button")).hasText("+ Передать клиента");
        page.locator("#tg-main-button").click();
        Locator form = page.locator("form.form");
        form.locator("[name=name]").fill(client);
        form.locator("[name=phone]").fill("12");
        page.locator("#tg-main-button").click();
        // the chat's validation, under the phone field
        assertThat(form.locator(".field[data-field=phone] .field-error")).not().isEmpty();
        form.locator("[name=phone]").fill(newPhone());
        form.locator("[name=comment]").fill("Звонить после 17:00");
        page.locator("#tg-main-button").click();
        assertThat(page.locator("#toast")).hasText("Клиент передан");
        Locator card = page.locator(".list-item.client", new Page.LocatorOptions().setHasText(client));
        assertThat(card).isVisible();
        assertThat(card.locator(".chip")).hasText(messages.text("ru", "deal.status.new"));
        assertThat(String.valueOf(page.evaluate("() => Telegram.WebApp.haptics.join(',')"))).contains("notification:success");

        tab(page, "payouts");
        assertThat(page.locator("[data-testid=payout-available]")).containsText("15");
        page.locator("label.check input[name=all]").check();
        page.locator("#tg-main-button").click();
        assertThat(page.locator("#toast")).hasText("Выплата запрошена");
        Locator request = page.locator("[data-testid=payout-requests] .list-item").first();
        assertThat(request).containsText("15");
        screenshot(page, "miniapp-journey-partner.png");
        page.context().close();

        // the manager: the payout in the queue, then the client's deal on the board
        Page desk = open(MANAGER, "Мария", "ru", "light", "");
        Locator item = desk.locator(".queue-item[data-kind=payout]", new Page.LocatorOptions().setHasText("Вера Миниапп"));
        assertThat(item).isVisible();
        item.locator("[data-action=approve]").click();
        assertThat(desk.locator("#toast")).hasText("Одобрено");
        assertThat(item).hasCount(0);

        tab(desk, "deals");
        // a column shows its 20 longest unchanged deals: the new one may be further down, behind "Show more"
        Locator deal = desk.locator(".column[data-column=new] .deal", new Page.LocatorOptions().setHasText(client));
        Locator more = desk.locator(".column[data-column=new] [data-action=more]");
        assertThat(more).isVisible();
        for (int pages = 0; deal.count() == 0 && pages < 100; pages++) {
            int before = desk.locator(".column[data-column=new] .deal").count();
            assertThat(more).isVisible();
            more.click();
            desk.waitForCondition(() -> desk.locator(".column[data-column=new] .deal").count() > before);
        }
        assertThat(deal).isVisible();
        deal.locator("[data-action=move]").click();
        deal.locator("select[name=status]").selectOption("in_progress");
        deal.locator("[name=comment]").fill("Созвонились, готовим договор");
        screenshot(desk, "miniapp-journey-manager.png");
        deal.locator("button[type=submit]").click();
        assertThat(desk.locator("#toast")).hasText("Сделка переведена");
        assertThat(desk.locator(".column[data-column=in_progress] .deal", new Page.LocatorOptions().setHasText(client))).isVisible();
        desk.context().close();

        // the partner is told in the chat, as when the manager decides in the bot
        List<String> said = waitForBot(user, List.of("одобрена и поставлена в очередь на оплату", client));
        assertThat(said).anyMatch(t -> t.contains(client) && t.contains(messages.text("ru", "deal.status.in_progress"))
                && t.contains("Созвонились, готовим договор"));
    }

    @Test
    void theFirstLoadIsSmallAndAStrangerIsToldToOpenItFromTelegram() throws Exception {
        long user = persona("Olga Small", "en");
        ChatTester partner = partner(user, "Olga Small", "en");
        partner.poll();
        Page page = open(user, "Olga", "en", "light", "");
        assertThat(page.locator(".tab[data-tab=home]")).isVisible();
        // script and style of the first load, as transferred (what the browser fetched from the server)
        double transferred = ((Number) page.evaluate("""
                () => performance.getEntriesByType('resource')
                    .filter(e => /\\/app\\/assets\\/.*\\.(js|css)/.test(e.name))
                    .reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)""")).doubleValue();
        double decoded = ((Number) page.evaluate("""
                () => performance.getEntriesByType('resource')
                    .filter(e => /\\/app\\/assets\\/.*\\.(js|css)/.test(e.name))
                    .reduce((n, e) => n + (e.decodedBodySize || 0), 0)""")).doubleValue();
        System.out.printf("Mini App first load: %.1f KB of script and style transferred (%.1f KB decoded)%n",
                transferred / 1024, decoded / 1024);
        assertThat(transferred).isPositive().isLessThan(150 * 1024);
        page.context().close();

        // no initData (opened in a plain browser, outside Telegram): the page says where to open it
        BrowserContext context = context("light");
        context.route(TELEGRAM_SCRIPT, route -> route.fulfill(new Route.FulfillOptions()
                .setContentType("application/javascript").setBody(standIn)));
        Page stranger = context.newPage();
        stranger.navigate(base() + "/app");
        assertThat(stranger.locator(".problem h1")).hasText("Open it from Telegram");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------------

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A sandbox persona (its chat is what the sandbox page shows); returns its user id. */
    private long persona(String name, String lang) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/sandbox/api/personas"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("firstName", name, "language", lang))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).get("id").asLong();
    }

    /** The persona as an approved partner of {@link #MANAGER} with the mandatory training passed (rows as the apply journey leaves them). */
    private ChatTester partner(long user, String name, String lang) {
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language,
                                             manager_id, decided_at)
                        VALUES (?, ?, 'APPROVED', 'individual', ?, 'Москва', ?, 'social', 'individual', ?, ?, now())""")
                .params(user, user, name, newPhone(), lang, MANAGER).update();
        ChatTester chat = chat(user, name);
        if (lang.equals("en")) chat.inEnglish();
        passTraining(chat);
        return chat;
    }

    private BrowserContext context(String scheme) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setDeviceScaleFactor(1).setColorScheme("dark".equals(scheme)
                        ? com.microsoft.playwright.options.ColorScheme.DARK : com.microsoft.playwright.options.ColorScheme.LIGHT));
        context.setDefaultTimeout(TIMEOUT_MS);
        // nothing leaves the machine: any other outside request fails
        context.route(url -> !url.startsWith(base()) && !url.equals(TELEGRAM_SCRIPT), Route::abort);
        contexts.add(context);
        return context;
    }

    /** /app as Telegram would open it for this person: the stand-in with signed initData and the theme. */
    private Page open(long userId, String firstName, String lang, String scheme, String query) {
        BrowserContext context = context(scheme);
        String config = json.writeValueAsString(Map.of("initData", InitData.signed(InitData.SANDBOX_TOKEN, userId, firstName, lang),
                "themeParams", THEMES.get(scheme), "colorScheme", scheme));
        context.route(TELEGRAM_SCRIPT, route -> route.fulfill(new Route.FulfillOptions()
                .setContentType("application/javascript").setBody("window.TelegramStandIn = " + config + ";\n" + standIn)));
        Page page = context.newPage();
        List<String> errors = new ArrayList<>();
        page.onPageError(errors::add);
        page.navigate(base() + "/app" + query);
        assertThat(page.locator(".view-body, .problem").first()).isVisible();
        assertThat(errors).as("script errors").isEmpty();
        return page;
    }

    private void tab(Page page, String name) {
        page.locator(".tab[data-tab=" + name + "]").click();
        assertThat(page.locator(".tab[data-tab=" + name + "]")).hasAttribute("aria-current", "page");
        assertThat(page.locator(".view-body")).isVisible();
    }

    /** No sideways overflow at this width; no Cyrillic in an English view (names and what people wrote aside). */
    @SuppressWarnings("unchecked")
    private void checkView(Page page, String lang, String name) throws Exception {
        page.waitForTimeout(50);
        Map<String, Object> layout = (Map<String, Object>) page.evaluate("""
                () => {
                  const width = document.documentElement.clientWidth;
                  const wide = [...document.querySelectorAll('body *')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && (r.right > width + 1 || r.left < -1) && getComputedStyle(e).position !== 'fixed';
                  }).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
                  return {scroll: document.documentElement.scrollWidth, width, wide: wide.join(', ')};
                }""");
        assertThat(((Number) layout.get("scroll")).intValue()).as(name + " overflows: " + layout.get("wide"))
                .isLessThanOrEqualTo(((Number) layout.get("width")).intValue());
        assertThat((String) layout.get("wide")).as(name + ": elements past the right edge").isEmpty();
        if (lang.equals("en")) {
            String text = (String) page.evaluate("""
                    () => {
                      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                      const out = [];
                      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                        if (n.parentElement.closest('[translate=no], script, style, [hidden]')) continue;
                        out.push(n.textContent);
                      }
                      document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(i => out.push(i.placeholder));
                      document.querySelectorAll('[aria-label]').forEach(i => out.push(i.getAttribute('aria-label')));
                      return out.join(' | ');
                    }""");
            assertThat(text).as(name + " shows Cyrillic in English").doesNotContainPattern("\\p{IsCyrillic}");
        }
        screenshot(page, "miniapp-" + name + ".png");
    }

    private void screenshot(Page page, String file) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setAnimations(ScreenshotAnimations.DISABLED).setFullPage(true)
                .setPath(SCREENSHOTS.resolve(file)));
    }

    /** The bot messages of a sandbox chat, by long polling until every one of the texts is in one of them. */
    private List<String> waitForBot(long chat, List<String> texts) throws Exception {
        List<String> seen = new ArrayList<>();
        long since = 0;
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/sandbox/api/chats/" + chat
                    + "?since=" + since + "&wait=3000")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode state = json.readTree(r.body());
            state.get("messages").forEach(m -> {
                if ("BOT".equals(m.get("from").asString())) seen.add(m.get("text").asString());
            });
            since = state.get("seq").asLong();
            if (texts.stream().allMatch(t -> seen.stream().anyMatch(s -> s.contains(t)))) return seen;
        }
        throw new AssertionError("Not all of " + texts + " in the chat: " + seen);
    }
}
