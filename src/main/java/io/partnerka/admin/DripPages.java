package io.partnerka.admin;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Drip chains (stats, pause/resume: ADMIN only) and broadcasts (delivery and RSVP counts). */
@Controller
class DripPages implements AdminPage {

    private final DripDesk desk;
    private final AdminAccounts accounts;

    DripPages(DripDesk desk, AdminAccounts accounts) {
        this.desk = desk;
        this.accounts = accounts;
    }

    @GetMapping("/admin/drip")
    String overview(Model model) {
        model.addAttribute("chains", desk.chains());
        model.addAttribute("broadcasts", desk.broadcasts(50));
        return "admin/drip";
    }

    @PostMapping("/admin/drip/chains/{id}/pause")
    String pause(@PathVariable String id, Authentication auth, RedirectAttributes redirect) {
        desk.setPaused(id, true, WebAdvice.operatorOf(auth, accounts));
        redirect.addFlashAttribute("notice", "Chain " + id + " paused.");
        return "redirect:/admin/drip";
    }

    @PostMapping("/admin/drip/chains/{id}/resume")
    String resume(@PathVariable String id, Authentication auth, RedirectAttributes redirect) {
        desk.setPaused(id, false, WebAdvice.operatorOf(auth, accounts));
        redirect.addFlashAttribute("notice", "Chain " + id + " resumed.");
        return "redirect:/admin/drip";
    }
}
