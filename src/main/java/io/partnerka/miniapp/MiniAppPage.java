package io.partnerka.miniapp;

import io.partnerka.platform.RunMode;
import java.time.Instant;
import org.springframework.core.env.Environment;
import org.springframework.http.CacheControl;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Mini App's page at {@code /app}: one HTML shell; the script (static/app/assets) asks {@code /app/api} for
 * everything, signed by Telegram's initData. Telegram's own script comes from telegram.org; in the sandbox
 * ({@code ?sandbox=1}, sandbox mode only) a stand-in plays it, reading initData from the URL fragment as Telegram
 * passes it ({@code #tgWebAppData=...}).
 */
@Controller
class MiniAppPage {

    static final String TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
    static final String STAND_IN = "/app/assets/telegram-stand-in.js";

    private final boolean sandbox;
    private final String version = Long.toString(Instant.now().getEpochSecond(), 36);

    MiniAppPage(Environment env) {
        this.sandbox = RunMode.sandbox(env);
    }

    @GetMapping("/app")
    String page(@RequestParam(name = "sandbox", required = false) String standIn, Model model,
                HttpServletResponse response) {
        boolean useStandIn = sandbox && standIn != null;
        model.addAttribute("telegramScript", useStandIn ? STAND_IN + "?v=" + version : TELEGRAM_SCRIPT);
        model.addAttribute("v", version);
        // the shell is tiny and names versioned assets: always fresh, never stored by a shared cache
        response.setHeader("Cache-Control", CacheControl.noCache().cachePrivate().getHeaderValue());
        return "miniapp/app";
    }
}
