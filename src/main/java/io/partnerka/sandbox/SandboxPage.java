package io.partnerka.sandbox;

import io.partnerka.platform.RunMode;
import java.time.Instant;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The browser chat at "/" in sandbox mode. The page speaks the default language; ?lang=en switches it. */
@Controller
@Conditional(RunMode.SandboxOn.class)
class SandboxPage {

    private final SandboxTexts texts;
    private final SandboxPersonas personas;
    private final String version = Long.toString(Instant.now().getEpochSecond(), 36);

    SandboxPage(SandboxTexts texts, SandboxPersonas personas) {
        this.texts = texts;
        this.personas = personas;
    }

    @GetMapping("/")
    String page(@RequestParam(required = false) String lang, Model model) {
        String language = texts.language(lang);
        model.addAttribute("lang", language);
        model.addAttribute("otherLang", "ru".equals(language) ? "en" : "ru");
        model.addAttribute("t", texts.ui(language));
        model.addAttribute("managerId", personas.managerId());
        model.addAttribute("managerName", personas.find(personas.managerId()).map(SandboxPersonas.Persona::firstName).orElse(""));
        model.addAttribute("botUsername", UpdateFactory.BOT_USERNAME);
        model.addAttribute("v", version);
        return "sandbox/index";
    }
}
