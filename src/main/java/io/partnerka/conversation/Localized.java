package io.partnerka.conversation;

import java.util.Map;

/**
 * A text of a content file (a course, an article) in several languages: {@code {ru: ..., en: ...}}, or one plain string for all of them
 * (stored under {@code "*"}).
 */
public record Localized(Map<String, String> byLanguage) {

    public static final Localized EMPTY = new Localized(Map.of());

    public Localized {
        byLanguage = Map.copyOf(byLanguage);
    }

    /** The text in {@code lang}, else the one for all languages, else the default language's, else any. */
    public String in(String lang, String defaultLanguage) {
        String text = byLanguage.get(lang);
        if (text == null) text = byLanguage.get("*");
        if (text == null) text = byLanguage.get(defaultLanguage);
        if (text == null && !byLanguage.isEmpty()) text = byLanguage.values().iterator().next();
        return text == null ? "" : text;
    }

    public boolean isEmpty() {
        return byLanguage.isEmpty();
    }

    public boolean covers(String lang) {
        return byLanguage.containsKey(lang) || byLanguage.containsKey("*");
    }

    public int maxLength() {
        return byLanguage.values().stream().mapToInt(String::length).max().orElse(0);
    }
}
