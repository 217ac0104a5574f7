package io.partnerka.admin;

import io.partnerka.approval.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The generated admin's own password: required at the first login ({@link FirstLoginGate}), possible later too.
 * Configured users read where theirs is set instead.
 */
@Controller
class PasswordPage implements AdminPage {

    private final AdminAccounts accounts;
    private final PasswordEncoder encoder;
    private final AuditLog audit;

    private final WebAdvice advice;

    PasswordPage(AdminAccounts accounts, PasswordEncoder encoder, AuditLog audit, WebAdvice advice) {
        this.accounts = accounts;
        this.advice = advice;
        this.encoder = encoder;
        this.audit = audit;
    }

    @GetMapping(FirstLoginGate.PAGE)
    String form(Authentication auth, Model model) {
        model.addAttribute("changesHere", accounts.changesPasswordHere(auth.getName()));
        model.addAttribute("mustChange", accounts.generatedLogin(auth.getName()).map(AdminAccounts.GeneratedLogin::mustChange).orElse(false));
        model.addAttribute("minLength", AdminAccounts.MIN_PASSWORD);
        return "admin/password";
    }

    @PostMapping(FirstLoginGate.PAGE)
    String change(Authentication auth, @RequestParam(defaultValue = "") String current, @RequestParam(defaultValue = "") String password,
                  @RequestParam(defaultValue = "") String repeat, HttpServletRequest request, HttpServletResponse response,
                  Model model, RedirectAttributes redirect) {
        try {
            String stamp = accounts.changePassword(auth.getName(), current, password, repeat, encoder);
            // this session goes on with the new password; any other one opened with the old password is over
            request.getSession().setAttribute(FirstLoginGate.STAMP, stamp);
            Operator o = WebAdvice.operatorOf(auth, accounts);
            audit.record(o.decider(), "admin.password-changed", "admin-user#" + auth.getName(), null, Map.of("username", auth.getName()));
            redirect.addFlashAttribute("notice", advice.words().text("web.password.changed"));
            return "redirect:/admin";
        } catch (Refused e) {
            response.setStatus(400);
            model.addAttribute("error", e.text(advice.words()));
            return form(auth, model);
        }
    }
}
