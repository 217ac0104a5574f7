package io.partnerka.admin;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log: who, when, what, before and after (changed values marked). */
@Controller
class AuditPage implements AdminPage {

    private final AuditTrail audit;

    AuditPage(AuditTrail audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/audit")
    String list(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                @RequestParam(required = false) String subject, @RequestParam(defaultValue = "0") int page, Model model) {
        AuditTrail.Filter filter = new AuditTrail.Filter(actor, action, subject, page);
        var rows = audit.search(filter);
        model.addAttribute("filter", filter);
        model.addAttribute("rows", rows.stream().limit(AuditTrail.Filter.PAGE_SIZE).toList());
        model.addAttribute("more", rows.size() > AuditTrail.Filter.PAGE_SIZE);
        return "admin/audit";
    }
}
