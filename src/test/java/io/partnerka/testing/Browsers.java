package io.partnerka.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The system Chromium, headless, for the browser tests; they are skipped where /usr/bin/chromium does not exist. */
public final class Browsers {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Browsers() {
    }

    /** Playwright with a launched Chromium; close it in an {@code @AfterAll}. */
    public record Chromium(Playwright playwright, Browser browser) implements AutoCloseable {
        @Override
        public void close() {
            browser.close();
            playwright.close();
        }
    }

    /**
     * Launches the system Chromium headless and sets Playwright's default assertion timeout; skips the test class (a
     * failed JUnit assumption) when there is no Chromium.
     */
    public static Chromium launchChromium(double assertionTimeoutMs) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Browser test skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium to run it)");
        Playwright playwright = Playwright.create();
        Browser browser;
        try {
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--no-first-run", "--disable-sync")));
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
        PlaywrightAssertions.setDefaultAssertionTimeout(assertionTimeoutMs);
        return new Chromium(playwright, browser);
    }
}
