package io.partnerka.admin;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log: who, when, what, before and after (changed values marked). */
@Controller
class AuditPage implements AdminPage {

    private final AuditTrail audit;
    private final WebAdvice advice;
    private final io.partnerka.conversation.Messages messages;

    AuditPage(AuditTrail audit, WebAdvice advice, io.partnerka.conversation.Messages messages) {
        this.audit = audit;
        this.advice = advice;
        this.messages = messages;
    }

    /** The filter's choices: each group ("deal.") followed by its actions, as the catalog names them (web.action.*). */
    private java.util.List<String> actions() {
        java.util.List<String> out = new java.util.ArrayList<>();
        String prefix = "web.action.";
        for (String key : messages.keys(advice.words().lang())) {
            if (!key.startsWith(prefix)) continue;
            String action = key.substring(prefix.length());
            String group = action.substring(0, action.indexOf('.') + 1);
            if (!out.contains(group)) out.add(group);
            out.add(action);
        }
        return out;
    }

    @GetMapping("/admin/audit")
    String list(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                @RequestParam(required = false) String subject, @RequestParam(defaultValue = "0") int page, Model model) {
        AuditTrail.Filter filter = new AuditTrail.Filter(actor, action, subject, page);
        var rows = audit.search(filter);
        model.addAttribute("filter", filter);
        model.addAttribute("actions", actions());
        model.addAttribute("rows", rows.stream().limit(AuditTrail.Filter.PAGE_SIZE).toList());
        model.addAttribute("more", rows.size() > AuditTrail.Filter.PAGE_SIZE);
        return "admin/audit";
    }
}
