package io.partnerka.miniapp;

import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The API's error answers: a refusal a service gives a person ({@link UserError}) comes back in the caller's language
 * with the status it means: 400 invalid (with the field when one is to blame), 403, 404 or 409 (someone else decided
 * first, the deal changed meanwhile).
 */
@RestControllerAdvice(basePackageClasses = MiniAppErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class MiniAppErrors {

    /** A refusal of the API itself: wrong role, someone else's or no such object. */
    static final class Refusal extends RuntimeException {
        final HttpStatus status;

        Refusal(HttpStatus status) {
            super(status.getReasonPhrase(), null, false, false);
            this.status = status;
        }

        static Refusal forbidden() {
            return new Refusal(HttpStatus.FORBIDDEN);
        }

        static Refusal notFound() {
            return new Refusal(HttpStatus.NOT_FOUND);
        }
    }

    private static final Set<String> FORBIDDEN = Set.of("training.gate.blocked", "partner.not-a-partner",
            "partner.not-approved-yet", "common.not-manager", "apply.blocked");
    private static final Set<String> NOT_FOUND = Set.of("approval.not-found", "deal.not-found", "payout.not-found");
    private static final Set<String> CONFLICT = Set.of("approval.already-decided", "deal.changed-meanwhile",
            "requisites.already-pending", "payout.already-decided", "requisites.already-decided");
    /** Which form field a refusal is about (for the page to put the message under it). */
    private static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("deal.bad-name", "name"), Map.entry("validation.other-phone", "phone"),
            Map.entry("deal.submit.own-phone", "phone"), Map.entry("deal.duplicate", "phone"),
            Map.entry("deal.unknown-product", "product"), Map.entry("payout.below-minimum", "amount"),
            Map.entry("payout.above-available", "amount"), Map.entry("validation.amount", "amount"),
            Map.entry("validation.amount-range", "amount"), Map.entry("deal.amount-required", "amount"),
            Map.entry("deal.currency-invalid", "currency"), Map.entry("deal.unknown-status", "status"),
            Map.entry("deal.move-not-allowed", "status"), Map.entry("deal.move-needs-reopen", "status"),
            Map.entry("requisites.bad-account", "account"), Map.entry("requisites.bad-card", "account"),
            Map.entry("requisites.bad-email", "account"), Map.entry("requisites.bad-bank-code", "bankCode"),
            Map.entry("requisites.bad-tax-id", "taxId"), Map.entry("payout.no-requisites", "requisites"));

    private final Messages messages;

    MiniAppErrors(Messages messages) {
        this.messages = messages;
    }

    @ExceptionHandler(UserError.class)
    ResponseEntity<Map<String, Object>> userError(UserError e, HttpServletRequest request) {
        return userError(e, language(request), null);
    }

    /** A refusal about a known field (the API says which when the key alone cannot). */
    ResponseEntity<Map<String, Object>> userError(UserError e, String lang, String field) {
        String key = e.key();
        HttpStatus status = FORBIDDEN.contains(key) ? HttpStatus.FORBIDDEN : NOT_FOUND.contains(key) ? HttpStatus.NOT_FOUND
                : CONFLICT.contains(key) ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", switch (status) {
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not_found";
            case CONFLICT -> "conflict";
            default -> "invalid";
        });
        String f = field != null ? field : FIELDS.get(key);
        if (status == HttpStatus.BAD_REQUEST && f != null) body.put("field", f);
        body.put("message", Plain.text(messages.text(lang, key, e.args())));
        return ResponseEntity.status(status).body(body);
    }

    @ExceptionHandler(Refusal.class)
    ResponseEntity<Map<String, Object>> refusal(Refusal e, HttpServletRequest request) {
        String lang = language(request);
        return ResponseEntity.status(e.status).body(e.status == HttpStatus.FORBIDDEN
                ? Map.of("error", "forbidden", "message", messages.text(lang, "miniapp.error.forbidden"))
                : Map.of("error", "not_found", "message", messages.text(lang, "miniapp.error.not-found")));
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<Map<String, Object>> unreadable(Exception e, HttpServletRequest request) {
        return ResponseEntity.badRequest().body(Map.of("error", "invalid",
                "message", messages.text(language(request), "miniapp.error.bad-request")));
    }

    private String language(HttpServletRequest request) {
        Object user = request.getAttribute(MiniAppUser.class.getName());
        return user instanceof MiniAppUser u ? u.language() : messages.defaultLanguage();
    }
}
