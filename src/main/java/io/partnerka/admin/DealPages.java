package io.partnerka.admin;

import io.partnerka.conversation.UserError;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.time.LocalDate;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Deals: filters, the deal page with its history, and the change form (status, amount, comment). */
@Controller
class DealPages implements AdminPage {

    /** Which form field a refusal of the deal module is about, so the message shows next to it. */
    private static final Map<String, String> FIELD_OF = Map.of(
            "deal.amount-required", "amount", "validation.amount-range", "amount", "deal.currency-invalid", "currency",
            "deal.move-not-allowed", "status", "deal.move-needs-reopen", "status", "deal.unknown-status", "status",
            "validation.too-long", "comment");

    private final DealDesk desk;
    private final AdminAccounts accounts;
    private final WebAdvice advice;

    DealPages(DealDesk desk, AdminAccounts accounts, WebAdvice advice) {
        this.desk = desk;
        this.accounts = accounts;
        this.advice = advice;
    }

    @GetMapping("/admin/deals")
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                @RequestParam(required = false) Long partner, @RequestParam(required = false) String product,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                @RequestParam(defaultValue = "0") int page,
                @RequestHeader(value = "HX-Request", required = false) String htmx,
                @RequestHeader(value = "HX-Boosted", required = false) String boosted, Model model) {
        DealDesk.Filter filter = new DealDesk.Filter(q, status, partner, product, from, to, page);
        var rows = desk.search(filter);
        model.addAttribute("filter", filter);
        model.addAttribute("rows", rows.stream().limit(DealDesk.Filter.PAGE_SIZE).toList());
        model.addAttribute("more", rows.size() > DealDesk.Filter.PAGE_SIZE);
        model.addAttribute("statuses", desk.pipeline().all());
        model.addAttribute("products", desk.products());
        return htmx != null && boosted == null ? "admin/deals :: table" : "admin/deals";
    }

    @GetMapping("/admin/deals/{id}")
    String show(@PathVariable long id, Model model) {
        DealDesk.Detail detail = desk.detail(id);
        if (!model.containsAttribute("form")) {
            DealForm form = new DealForm();
            form.setVersion(detail.deal().version());
            form.setCurrency(detail.deal().currency() != null ? detail.deal().currency() : desk.currencies().get(0));
            model.addAttribute("form", form);
        }
        return page(detail, model);
    }

    @PostMapping("/admin/deals/{id}")
    String change(@PathVariable long id, @Valid @ModelAttribute("form") DealForm form, BindingResult errors,
                  Authentication auth, Model model, RedirectAttributes redirect, HttpServletResponse response) {
        desk.detail(id); // 404 before anything else
        if (!errors.hasErrors()) {
            try {
                var result = desk.change(id, form.change(), WebAdvice.operatorOf(auth, accounts));
                WebText t = advice.words();
                redirect.addFlashAttribute("notice", result.changed()
                        ? t.text("web.deal.changed-notice", "what", t.ref("deal", id), "status", t.dealStatus(result.deal().status()))
                        : t.text("web.deal.unchanged-notice", "what", t.ref("deal", id)));
                return "redirect:/admin/deals/" + id;
            } catch (UserError e) {
                String field = FIELD_OF.get(e.key());
                String text = advice.plain(e);
                if (field != null) errors.rejectValue(field, e.key(), text); else errors.reject(e.key(), text);
            }
        }
        response.setStatus(422);
        return page(desk.detail(id), model);
    }

    private String page(DealDesk.Detail detail, Model model) {
        model.addAttribute("d", detail);
        model.addAttribute("statuses", desk.pipeline().all());
        model.addAttribute("currencies", desk.currencies());
        model.addAttribute("paidStatus", desk.pipeline().paid());
        return "admin/deal";
    }
}
