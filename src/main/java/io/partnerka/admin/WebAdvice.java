package io.partnerka.admin;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What every page knows (the operator, the queue length) and how pages fail: a refused action goes back to the
 * page it came from with the reason on top; an unknown id is a 404 page, malformed ids are 400, never a 500.
 */
@ControllerAdvice(assignableTypes = AdminPage.class)
@Order(Ordered.LOWEST_PRECEDENCE - 1)
class WebAdvice {

    private final AdminAccounts accounts;
    private final ApprovalDesk approvals;
    private final Messages messages;
    private final AdminProperties properties;
    private final io.partnerka.deal.Deals deals;

    WebAdvice(AdminAccounts accounts, ApprovalDesk approvals, Messages messages, AdminProperties properties,
              io.partnerka.deal.Deals deals) {
        this.accounts = accounts;
        this.approvals = approvals;
        this.messages = messages;
        this.properties = properties;
        this.deals = deals;
    }

    @ModelAttribute
    void common(Model model, Authentication authentication, HttpServletRequest request) {
        if (loggedIn(authentication)) {
            Operator o = operator(authentication);
            model.addAttribute("me", new Me(o.name(), o.isAdmin()));
            model.addAttribute("pendingCount", approvals.pendingCount());
        }
        model.addAttribute("t", words());
        model.addAttribute("path", request.getRequestURI());
    }

    /** The words of the pages in the language of whoever is logged in (before login: the admin language). */
    WebText words() {
        return words(language());
    }

    WebText words(String language) {
        return new WebText(messages, messages.languages().contains(language) ? language : messages.defaultLanguage(),
                deals::productTitle);
    }

    /** The language of the operator of the current request. */
    String language() {
        Authentication authentication = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return loggedIn(authentication) ? operator(authentication).language() : properties.language();
    }

    private static boolean loggedIn(Authentication a) {
        return a != null && a.isAuthenticated() && !"anonymousUser".equals(a.getName());
    }

    /** The operator as the templates see them. */
    public record Me(String name, boolean admin) {

        public boolean isAdmin() {
            return admin;
        }
    }

    Operator operator(Authentication authentication) {
        return operatorOf(authentication, accounts);
    }

    static Operator operatorOf(Authentication authentication, AdminAccounts accounts) {
        if (authentication.getPrincipal() instanceof Operator o) return o;
        return accounts.operator(authentication.getName());
    }

    /** A rule said no: back to where the operator was, with the reason. */
    @ExceptionHandler({UserError.class, Refused.class})
    String refused(RuntimeException e, HttpServletRequest request, RedirectAttributes redirect) {
        redirect.addFlashAttribute("error", text(e));
        String back = request.getHeader("Referer");
        String target = back != null && back.contains("/admin") ? back.substring(back.indexOf("/admin")) : "/admin";
        return "redirect:" + target;
    }

    @ExceptionHandler(ResponseStatusException.class)
    String status(ResponseStatusException e, Model model, HttpServletResponse response) {
        int status = e.getStatusCode().value();
        response.setStatus(status);
        model.addAttribute("status", status);
        WebText t = words();
        model.addAttribute("t", t);
        // the reason is for the API and the log; the page says it in its reader's words
        model.addAttribute("message", t.text(status == 404 ? "web.error.not-found-text" : "web.error.cannot-text"));
        return "admin/error";
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    String badRequest(Exception e, Model model, HttpServletResponse response) {
        response.setStatus(400);
        model.addAttribute("status", 400);
        model.addAttribute("t", words());
        model.addAttribute("message", words().text("web.error.malformed"));
        return "admin/error";
    }

    /** The refusal as plain text (for messages next to a form field, which are escaped when shown). */
    String plain(RuntimeException e) {
        return org.springframework.web.util.HtmlUtils.htmlUnescape(text(e).replaceAll("<[^>]+>", ""));
    }

    String text(RuntimeException e) {
        if (e instanceof UserError u) return messages.text(language(), u.key(), u.args());
        if (e instanceof Refused r) return Messages.escape(r.text(words()));
        return Messages.escape(e.getMessage());
    }
}
