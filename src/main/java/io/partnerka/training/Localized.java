package io.partnerka.training;

import java.util.Map;

/**
 * A text of a content file in several languages: {@code {ru: ..., en: ...}}, or one plain string for all of them
 * (stored under {@code "*"}).
 */
record Localized(Map<String, String> byLanguage) {

    static final Localized EMPTY = new Localized(Map.of());

    Localized {
        byLanguage = Map.copyOf(byLanguage);
    }

    /** The text in {@code lang}, else the one for all languages, else the default language's, else any. */
    String in(String lang, String defaultLanguage) {
        String text = byLanguage.get(lang);
        if (text == null) text = byLanguage.get("*");
        if (text == null) text = byLanguage.get(defaultLanguage);
        if (text == null && !byLanguage.isEmpty()) text = byLanguage.values().iterator().next();
        return text == null ? "" : text;
    }

    boolean isEmpty() {
        return byLanguage.isEmpty();
    }

    boolean covers(String lang) {
        return byLanguage.containsKey(lang) || byLanguage.containsKey("*");
    }

    int maxLength() {
        return byLanguage.values().stream().mapToInt(String::length).max().orElse(0);
    }
}
