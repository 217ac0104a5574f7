package io.partnerka.admin;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The approval queue and partners' open questions. */
@Controller
class ApprovalPages implements AdminPage {

    private final ApprovalDesk desk;
    private final AdminAccounts accounts;
    private final WebAdvice advice;

    ApprovalPages(ApprovalDesk desk, AdminAccounts accounts, WebAdvice advice) {
        this.desk = desk;
        this.accounts = accounts;
        this.advice = advice;
    }

    @GetMapping("/admin/approvals")
    String queue(Authentication auth, Model model) {
        Operator me = WebAdvice.operatorOf(auth, accounts);
        model.addAttribute("pending", desk.pending(me, 100));
        model.addAttribute("decided", desk.decided(me, 20));
        model.addAttribute("questions", desk.openQuestions(50));
        return "admin/approvals";
    }

    @GetMapping("/admin/approvals/{id}")
    String item(@PathVariable long id, Authentication auth, Model model) {
        model.addAttribute("item", desk.find(id, WebAdvice.operatorOf(auth, accounts)));
        return "admin/approval";
    }

    @PostMapping("/admin/approvals/{id}/approve")
    String approve(@PathVariable long id, Authentication auth, RedirectAttributes redirect) {
        try {
            desk.approve(id, WebAdvice.operatorOf(auth, accounts));
        } catch (io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
            return "redirect:/admin/approvals/" + id;
        }
        redirect.addFlashAttribute("notice", notice("web.approvals.approved-notice", id, WebAdvice.operatorOf(auth, accounts)));
        return "redirect:/admin/approvals";
    }

    @PostMapping("/admin/approvals/{id}/reject")
    String reject(@PathVariable long id, @RequestParam(required = false) String reason, Authentication auth,
                  RedirectAttributes redirect) {
        if (reason != null && reason.strip().length() > 1000) {
            redirect.addFlashAttribute("error", advice.words().text("web.approvals.reason-too-long"));
            return "redirect:/admin/approvals/" + id;
        }
        try {
            desk.reject(id, WebAdvice.operatorOf(auth, accounts), reason);
        } catch (io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
            return "redirect:/admin/approvals/" + id;
        }
        redirect.addFlashAttribute("notice", notice("web.approvals.rejected-notice", id, WebAdvice.operatorOf(auth, accounts)));
        return "redirect:/admin/approvals";
    }

    /** "Partner application #2 approved; …": the item named by what it decides, as everywhere. */
    private String notice(String key, long itemId, Operator reader) {
        WebText t = advice.words();
        ApprovalDesk.Item i = desk.find(itemId, reader);
        return t.text(key, "what", t.ref(i.kind(), i.subjectId()));
    }

    @PostMapping("/admin/questions/{id}/answer")
    String answer(@PathVariable long id, @RequestParam(defaultValue = "") String text, Authentication auth,
                  RedirectAttributes redirect) {
        try {
            desk.answer(id, WebAdvice.operatorOf(auth, accounts), text);
        } catch (io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
        }
        if (!redirect.getFlashAttributes().containsKey("error")) redirect.addFlashAttribute("notice", advice.words().text("web.approvals.answer-sent"));
        return "redirect:/admin/approvals#questions";
    }
}
