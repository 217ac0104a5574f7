package io.partnerka.sandbox;

import io.partnerka.conversation.Messages;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sandbox's own words (messages/&lt;lang&gt;/sandbox.yml): the page and the notes it puts into chats. */
class SandboxTexts {

    private static final String UI = "sandbox.ui.";

    private final Messages messages;

    SandboxTexts(Messages messages) {
        this.messages = messages;
    }

    /** The supported language for a code (a persona's language_code, the page's ?lang=). */
    String language(String code) {
        return messages.languageFor(code);
    }

    /** Telegram HTML with escaped arguments. */
    String text(String lang, String key, Object... args) {
        return messages.text(messages.languageFor(lang), key, Messages.args(args));
    }

    /** Every text of the page in one language, keyed without the "sandbox.ui." prefix. */
    Map<String, String> ui(String lang) {
        String language = messages.languageFor(lang);
        Map<String, String> texts = new LinkedHashMap<>();
        for (String key : messages.keys(language)) {
            if (key.startsWith(UI)) texts.put(key.substring(UI.length()), messages.text(language, key));
        }
        return texts;
    }
}
