package io.partnerka.sandbox;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ScreenshotAnimations;
import io.partnerka.PartnerkaTest;
import io.partnerka.testing.Browsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The sandbox in a real browser (the system Chromium, headless): a partner and the manager chat with the bot, press
 * inline and reply-keyboard buttons, and a new partner walks the first journey to the manager's approval.
 * Skipped where /usr/bin/chromium does not exist (install Debian's chromium package to run it).
 */
@PartnerkaTest
class SandboxBrowserTests {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final double TIMEOUT_MS = 15_000;

    private static Browsers.Chromium chromium;
    private static Browser browser;

    @LocalServerPort
    int port;

    private BrowserContext context;
    private Page page;

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
    void openSandbox() throws Exception {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860).setLocale("ru-RU"));
        context.setDefaultTimeout(TIMEOUT_MS);
        page = context.newPage();
        page.navigate("http://localhost:" + port + "/?lang=ru");
        assertThat(page.locator("#intro")).isVisible();
        assertThat(page.locator("#intro")).containsText("TELEGRAM_BOT_TOKEN");
        assertThat(page.locator("[data-testid=about]")).containsText("Мария (id 100)");
        screenshot("sandbox-intro.png");
        page.locator("#intro-hide").click();
    }

    @AfterEach
    void closePage() {
        if (context != null) context.close();
    }

    @Test
    void aPartnerAndTheManagerChatWithTheBot() throws Exception {
        assertThat(page.locator(".persona.active")).containsText("Анна");
        assertThat(page.locator("[data-testid=persona-100]")).containsText("Мария (менеджер)");

        int before = botCount();
        send("/help");
        Locator answer = expectBot(before, "/menu — главное меню");
        assertThat(answer.locator(".text b")).hasText("Команды");
        assertThat(page.locator(".row.user").last()).containsText("/help");

        // an inline keyboard: /language, then a press; the answer edits nothing but changes the language
        before = botCount();
        send("/language");
        expectBot(before, "Выберите язык");
        before = botCount();
        page.locator(".row.bot").last().locator(".inline-button", new Locator.LocatorOptions().setHasText("English")).click();
        expectBot(before, "Done, I will speak English now.");
        before = botCount();
        send("/language");
        expectBot(before, "Choose");
        before = botCount();
        page.locator(".row.bot").last().locator(".inline-button", new Locator.LocatorOptions().setHasText("Русский")).click();
        expectBot(before, "теперь я говорю по-русски");

        // a sticker is not text: the bot answers with a hint
        before = botCount();
        page.locator("#sticker-button").click();
        page.locator(".sticker-choice").first().click();
        assertThat(page.locator(".row.user .sticker-emoji").last()).hasText("👍");
        expectBot(before, "Я читаю только текст и кнопки");

        // the reply keyboard the menu leaves open: press one of its buttons
        Locator keyboard = page.locator("[data-testid=reply-keyboard]");
        assertThat(keyboard).isVisible();
        before = botCount();
        keyboard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("📝 Подать заявку")).click();
        assertThat(page.locator(".row.user").last()).containsText("📝 Подать заявку");
        expectBot(before, "компанию или работаете как частное лицо");
        send("/cancel");

        page.locator("[data-testid=persona-100]").click();
        assertThat(page.locator("#me-name")).hasText("Мария");
        assertThat(page.locator("#me-role")).hasText("менеджер");
        assertThat(page.locator(".row.user")).hasCount(0);
        // the command menu the bot registered at start, as Telegram's "Menu" button shows it
        before = botCount();
        page.locator("#commands-button").click();
        Locator help = page.locator("#popover-commands .command", new Page.LocatorOptions().setHasText("/help"));
        assertThat(help).isVisible();
        help.click();
        expectBot(before, "Команды менеджера");
        expectBot(before, "/pending");

        page.locator("[data-testid=persona-1001]").click();
        assertThat(page.locator(".row.user").first()).containsText("/help");

        screenshot("sandbox-chat.png");
    }

    @Test
    void aNewPartnerAppliesAndTheManagerApprovesThem() throws Exception {
        page.locator("#add-persona").click();
        page.locator("#add-name").fill("Вера Смирнова");
        page.locator("#add-submit").click();
        assertThat(page.locator("#me-name")).hasText("Вера Смирнова");
        assertThat(page.locator("#start")).isVisible();
        screenshot("sandbox-new-partner.png");

        int before = botCount();
        page.locator("#start").click();
        expectBot(before, "Это партнёрская программа");
        pressAndExpect("📝 Подать заявку", "компанию или работаете как частное лицо");
        pressAndExpect("👤 Частное лицо", "Как вас зовут?");
        sendAndExpect("Вера Смирнова", "В каком вы городе?");
        sendAndExpect("Казань", "Ваш номер телефона?");

        before = botCount();
        page.locator("[data-testid=reply-keyboard] .kb-button.contact").click();
        assertThat(page.locator(".row.user .contact").last()).containsText("+7916");
        expectBot(before, "Ваш e-mail");
        pressAndExpect("Пропустить", "Где вы находите клиентов?");
        pressAndExpect("Соцсети и блог", "Проверьте заявку");
        assertThat(page.locator(".row.bot").last()).containsText("Казань");
        pressAndExpect("✅ Всё верно", "Сколько клиентов в месяц");
        pressAndExpect("1–3", "опыт работы в партнёрских программах");
        pressAndExpect("Немного, до года", "Насколько ваша аудитория");
        pressAndExpect("Частично пересекается", "Сколько времени в неделю");
        pressAndExpect("Несколько часов", "Заявка передана менеджеру");

        // the manager got the application card: an unread badge on her persona
        Locator maria = page.locator("[data-testid=persona-100]");
        assertThat(maria.locator(".unread")).isVisible();
        maria.click();
        Locator card = page.locator(".row.bot", new Page.LocatorOptions().setHasText("Вера Смирнова")).last();
        assertThat(card).containsText("Казань");
        before = botCount();
        card.locator(".inline-button", new Locator.LocatorOptions().setHasText("✅ Одобрить")).click();
        expectBot(before, "одобрено. Партнёр уведомлён");

        Locator vera = page.locator(".persona", new Page.LocatorOptions().setHasText("Вера Смирнова"));
        assertThat(vera.locator(".unread")).isVisible();
        vera.click();
        assertThat(page.locator(".row.bot", new Page.LocatorOptions().setHasText("заявка одобрена"))).isVisible();
        Locator keyboard = page.locator("[data-testid=reply-keyboard]");
        before = botCount();
        keyboard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("👤 Профиль")).click();
        expectBot(before, "вы партнёр программы");

        screenshot("sandbox-journey.png");
    }

    @Test
    void theMenuButtonOpensTheMiniAppForThePersona() throws Exception {
        // the bot set its menu button at start (the sandbox plays Telegram, so http is fine here)
        page.locator("[data-testid=persona-100]").click();
        Locator menu = page.locator("[data-testid=miniapp-button]");
        assertThat(menu).hasText("Кабинет");
        menu.click();
        assertThat(page.locator("[data-testid=miniapp-panel]")).isVisible();
        com.microsoft.playwright.FrameLocator app = page.frameLocator("[data-testid=miniapp-frame]");
        // Мария is the manager: her cabinet is the queue and the board, in her language, signed by the sandbox
        assertThat(app.locator(".tab[data-tab=queue]")).hasAttribute("aria-current", "page");
        assertThat(app.locator(".tab[data-tab=deals]")).hasText(java.util.regex.Pattern.compile("Сделки"));
        page.locator("#miniapp-dark").check();
        assertThat(app.locator("html")).hasAttribute("data-scheme", "dark");
        screenshot("sandbox-miniapp.png");
        page.locator("#miniapp-close").click();
        assertThat(page.locator("[data-testid=miniapp-panel]")).isHidden();

        // Анна is nobody's partner yet: the cabinet says so
        page.locator("[data-testid=persona-1001]").click();
        menu.click();
        assertThat(page.frameLocator("[data-testid=miniapp-frame]").locator(".problem h1")).hasText("Добро пожаловать!");
    }

    private void screenshot(String name) throws java.io.IOException {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setAnimations(ScreenshotAnimations.DISABLED).setPath(SCREENSHOTS.resolve(name)));
    }

    // ---- chat helpers ----------------------------------------------------------------------------------------------

    private int botCount() {
        return page.locator(".row.bot").count();
    }

    private void send(String text) {
        page.locator("[data-testid=input]").fill(text);
        page.locator("[data-testid=input]").press("Enter");
    }

    private void sendAndExpect(String text, String expected) {
        int before = botCount();
        send(text);
        expectBot(before, expected);
    }

    /** Presses an inline button of the newest bot message that has one with this text. */
    private void pressAndExpect(String button, String expected) {
        int before = botCount();
        page.locator(".row.bot .inline-button", new Page.LocatorOptions().setHasText(button)).last().click();
        expectBot(before, expected);
    }

    /** Waits for a bot message, among those after the first {@code before}, containing the text; returns it. */
    private Locator expectBot(int before, String expected) {
        page.waitForCondition(() -> {
            List<String> texts = page.locator(".row.bot").allInnerTexts();
            return texts.subList(Math.min(before, texts.size()), texts.size()).stream().anyMatch(t -> t.contains(expected));
        }, new Page.WaitForConditionOptions().setTimeout(TIMEOUT_MS));
        Locator found = page.locator(".row.bot", new Page.LocatorOptions().setHasText(expected)).last();
        assertThat(found.count()).isPositive();
        return found;
    }
}
