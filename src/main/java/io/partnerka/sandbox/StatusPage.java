package io.partnerka.sandbox;

import io.partnerka.platform.RunMode;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * "/" when the sandbox is off: a short status, and no sandbox. Without a token (a database configured, or the
 * sandbox switched off by name) it says plainly that the bot is not connected to Telegram.
 */
@Controller
@Conditional(RunMode.SandboxOff.class)
class StatusPage {

    private final boolean connected;

    StatusPage(Environment env) {
        this.connected = RunMode.telegram(env);
    }

    @GetMapping("/")
    String status(Model model) {
        model.addAttribute("connected", connected);
        return "sandbox/status";
    }
}
