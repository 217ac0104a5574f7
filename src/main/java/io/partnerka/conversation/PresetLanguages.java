package io.partnerka.conversation;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Languages the operator sets for people in advance ({@code partnerka.manager-languages: "100=en,200=ru"}): a manager's
 * cards come in that language from the first one, before they ever write to the bot, and their Telegram app's language
 * does not override it (only {@code /language} does).
 */
@Component
class PresetLanguages {

    private final Map<Long, String> byUser = new HashMap<>();
    private final Messages messages;

    PresetLanguages(@Value("${partnerka.manager-languages:}") String spec, Messages messages) {
        this.messages = messages;
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) continue;
            String[] kv = pair.split("=", 2);
            String lang = kv.length == 2 ? kv[1].strip().toLowerCase(java.util.Locale.ROOT) : "";
            long id;
            try {
                id = Long.parseLong(kv[0].strip());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("partnerka.manager-languages: '" + pair.strip() + "' is not <telegram id>=<language>");
            }
            if (!messages.languages().contains(lang)) {
                throw new IllegalStateException("partnerka.manager-languages: " + id + " has language '" + lang
                        + "'; supported: " + messages.languages());
            }
            byUser.put(id, lang);
        }
    }

    Optional<String> of(long userId) {
        return Optional.ofNullable(byUser.get(userId));
    }

    /** The language for someone writing with this app language code: the preset one, else the closest supported one. */
    String languageFor(long userId, String languageCode) {
        return of(userId).orElseGet(() -> messages.languageFor(languageCode));
    }
}
