package io.partnerka.sandbox;

import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** "/" when the bot talks to Telegram: a short status, and no sandbox. */
@Controller
@Conditional(SandboxMode.Off.class)
class StatusPage {

    @GetMapping("/")
    String status() {
        return "sandbox/status";
    }
}
