package io.partnerka.admin;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Partners: the filtered list (htmx refreshes the table as you type) and the partner page with its actions. */
@Controller
class PartnerPages implements AdminPage {

    private final PartnerDirectory directory;
    private final AuditTrail audit;
    private final AdminAccounts accounts;
    private final WebAdvice advice;
    private final PayoutDesk payouts;
    private final io.partnerka.payout.Payouts money;
    private final io.partnerka.referral.Referrals referrals;

    PartnerPages(PartnerDirectory directory, AuditTrail audit, AdminAccounts accounts, WebAdvice advice, PayoutDesk payouts,
                 io.partnerka.payout.Payouts money, io.partnerka.referral.Referrals referrals) {
        this.payouts = payouts;
        this.money = money;
        this.referrals = referrals;
        this.directory = directory;
        this.audit = audit;
        this.accounts = accounts;
        this.advice = advice;
    }

    @GetMapping("/admin/partners")
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                @RequestParam(required = false) String type, @RequestParam(required = false) String segment,
                @RequestParam(required = false) Long manager, @RequestParam(required = false) String activity,
                @RequestParam(defaultValue = "0") int page,
                @RequestHeader(value = "HX-Request", required = false) String htmx,
                @RequestHeader(value = "HX-Boosted", required = false) String boosted, Model model) {
        PartnerDirectory.Filter filter = new PartnerDirectory.Filter(q, status, type, segment, manager, activity, page);
        var rows = directory.search(filter);
        model.addAttribute("filter", filter);
        model.addAttribute("rows", rows.stream().limit(PartnerDirectory.Filter.PAGE_SIZE).toList());
        model.addAttribute("more", rows.size() > PartnerDirectory.Filter.PAGE_SIZE);
        model.addAttribute("choices", directory.choices());
        // a filter change asks for the table only
        return htmx != null && boosted == null ? "admin/partners :: table" : "admin/partners";
    }

    @GetMapping("/admin/partners/{id}")
    String show(@PathVariable long id, Model model) {
        model.addAttribute("p", directory.profile(id, audit));
        model.addAttribute("managers", directory.managers());
        model.addAttribute("money", money.summaries(id));
        model.addAttribute("payouts", payouts.list(null, id, 50));
        model.addAttribute("referrals", referrals.stats(id));
        model.addAttribute("referrer", referrals.referrerOf(id).orElse(null));
        return "admin/partner";
    }

    @PostMapping("/admin/partners/{id}/block")
    String block(@PathVariable long id, @RequestParam(required = false) String reason, Authentication auth,
                 RedirectAttributes redirect) {
        if (reason != null && reason.strip().length() > 500) {
            redirect.addFlashAttribute("reasonError", "web.partner.reason-too-long");
            return "redirect:/admin/partners/" + id;
        }
        try {
            directory.block(id, WebAdvice.operatorOf(auth, accounts), reason);
        } catch (Refused | io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
            return "redirect:/admin/partners/" + id;
        }
        redirect.addFlashAttribute("notice", advice.words().text("web.partner.blocked-notice"));
        return "redirect:/admin/partners/" + id;
    }

    @PostMapping("/admin/partners/{id}/unblock")
    String unblock(@PathVariable long id, Authentication auth, RedirectAttributes redirect) {
        try {
            directory.unblock(id, WebAdvice.operatorOf(auth, accounts));
        } catch (Refused | io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
            return "redirect:/admin/partners/" + id;
        }
        redirect.addFlashAttribute("notice", advice.words().text("web.partner.unblocked-notice"));
        return "redirect:/admin/partners/" + id;
    }

    @PostMapping("/admin/partners/{id}/manager")
    String reassign(@PathVariable long id, @RequestParam(required = false) Long manager, Authentication auth,
                    RedirectAttributes redirect) {
        if (manager == null) {
            redirect.addFlashAttribute("managerError", "web.partner.choose-manager");
            return "redirect:/admin/partners/" + id;
        }
        try {
            directory.reassign(id, manager, WebAdvice.operatorOf(auth, accounts));
        } catch (Refused | io.partnerka.conversation.UserError e) {
            redirect.addFlashAttribute("error", advice.text(e));
            return "redirect:/admin/partners/" + id;
        }
        redirect.addFlashAttribute("notice", advice.words().text("web.partner.manager-notice"));
        return "redirect:/admin/partners/" + id;
    }
}
