package io.partnerka.admin;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** ADMIN only: who may log in, with which role and Telegram link, and which API tokens exist (names only). */
@Controller
class UsersPage implements AdminPage {

    private final AdminAccounts accounts;
    private final AdminProperties properties;

    UsersPage(AdminAccounts accounts, AdminProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @GetMapping("/admin/users")
    String users(Model model) {
        model.addAttribute("users", accounts.configuredUsers());
        model.addAttribute("generated", accounts.configuredUsers().isEmpty());
        model.addAttribute("tokens", properties.apiTokens().stream().map(t -> new Token(t.name(), t.role().name(), t.telegramId())).toList());
        return "admin/users";
    }

    public record Token(String name, String role, Long telegramId) {
    }
}
