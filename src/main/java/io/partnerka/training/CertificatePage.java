package io.partnerka.training;

import io.partnerka.conversation.Messages;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The public page that says whether a certificate code is genuine: {@code GET /certificates/{code}}. An unknown or
 * revoked code answers 404 with a page that says so.
 */
@Controller
class CertificatePage {

    private final Certificates certificates;
    private final Messages messages;

    CertificatePage(Certificates certificates, Messages messages) {
        this.certificates = certificates;
        this.messages = messages;
    }

    @GetMapping("/certificates/{code}")
    String show(@PathVariable String code, @RequestParam(required = false) String lang,
                @RequestHeader(value = "Accept-Language", required = false) String acceptLanguage,
                Model model, HttpServletResponse response) {
        Optional<TrainingStore.CertificateRow> found = certificates.verify(code);
        String language = lang != null ? messages.languageFor(lang)
                : found.map(TrainingStore.CertificateRow::language).orElseGet(() -> messages.languageFor(acceptLanguage));
        model.addAttribute("lang", language);
        model.addAttribute("title", messages.text(language, "training.page.title"));
        model.addAttribute("code", code.length() > 32 ? code.substring(0, 32) : code.toUpperCase(Locale.ROOT));
        model.addAttribute("codeLabel", messages.text(language, "training.page.code"));
        if (found.isPresent()) {
            TrainingStore.CertificateRow c = found.get();
            model.addAttribute("valid", true);
            model.addAttribute("verdict", messages.text(language, "training.page.valid"));
            model.addAttribute("nameLabel", messages.text(language, "training.page.name"));
            model.addAttribute("name", c.partnerName());
            model.addAttribute("courseLabel", messages.text(language, "training.page.course"));
            model.addAttribute("course", c.courseTitle());
            model.addAttribute("dateLabel", messages.text(language, "training.page.date"));
            model.addAttribute("date", certificates.date(c.issuedAt(), language));
            model.addAttribute("scoreLabel", messages.text(language, "training.page.score"));
            model.addAttribute("score", c.score() + "%");
        } else {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("valid", false);
            model.addAttribute("verdict", messages.text(language, "training.page.invalid"));
            model.addAttribute("hint", messages.text(language, "training.page.invalid-hint"));
        }
        return "training/certificate";
    }
}
