package io.partnerka.conversation;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;

/**
 * Every word the bot says, per language, from {@code messages/<lang>/*.yml} (nested keys flattened with dots).
 * Placeholders are {@code {name}}; argument values are HTML-escaped because texts are Telegram HTML. A {@link java.math.BigDecimal}
 * argument (a rate, a limit) is written as the reader's language writes numbers ("1,000,000" / "1 000 000").
 */
@Component
public class Messages {

    private static final Logger log = LoggerFactory.getLogger(Messages.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z0-9_.-]+)}");

    private final Map<String, Map<String, String>> byLanguage = new HashMap<>();
    private final List<String> languages;
    private final String defaultLanguage;

    Messages(Content content, @Value("${partnerka.languages:ru,en}") List<String> languages,
             @Value("${partnerka.default-language:ru}") String defaultLanguage) {
        this.languages = List.copyOf(languages);
        this.defaultLanguage = defaultLanguage;
        for (String lang : languages) {
            Map<String, String> texts = new LinkedHashMap<>();
            for (String file : content.list(lang)) {
                flatten("", content.tree(file), texts, file);
            }
            byLanguage.put(lang, texts);
        }
    }

    public List<String> languages() {
        return languages;
    }

    public String defaultLanguage() {
        return defaultLanguage;
    }

    /** The supported language closest to a client's language code, else the default. */
    public String languageFor(String languageCode) {
        if (languageCode == null) return defaultLanguage;
        String primary = languageCode.toLowerCase(java.util.Locale.ROOT).split("[-_]")[0];
        return languages.contains(primary) ? primary : defaultLanguage;
    }

    public boolean has(String lang, String key) {
        return byLanguage.getOrDefault(lang, Map.of()).containsKey(key);
    }

    /** A text with named arguments; a missing key shows as the key itself (and is logged), never as a crash. */
    public String text(String lang, String key, Map<String, ?> args) {
        String template = byLanguage.getOrDefault(lang, Map.of()).get(key);
        if (template == null) template = byLanguage.getOrDefault(defaultLanguage, Map.of()).get(key);
        if (template == null) {
            log.warn("Missing message key {} ({})", key, lang);
            return key;
        }
        if (args == null || args.isEmpty()) return template;
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = args.get(m.group(1));
            String replacement = value == null ? m.group() : value instanceof Trusted t ? t.html()
                    : value instanceof java.math.BigDecimal d ? Formats.percent(d, lang) : escape(String.valueOf(value));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    public String text(String lang, String key) {
        return text(lang, key, Map.of());
    }

    /** The keys of one language (for completeness checks and for matching menu buttons). */
    public Set<String> keys(String lang) {
        return new TreeSet<>(byLanguage.getOrDefault(lang, Map.of()).keySet());
    }

    /** The key whose text, in any language, equals the given text among the candidates; null if none. */
    public String keyForText(String text, Iterable<String> candidateKeys) {
        if (text == null) return null;
        String wanted = text.strip();
        for (String key : candidateKeys) {
            for (String lang : languages) {
                String t = byLanguage.get(lang).get(key);
                if (t != null && t.strip().equals(wanted)) return key;
            }
        }
        return null;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, String file) {
        if (node == null || node.isNull()) return;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out, file);
            }
        } else if (node.isValueNode()) {
            if (out.put(prefix, node.asString()) != null) {
                throw new IllegalStateException("Message key " + prefix + " is defined twice (again in " + file + ")");
            }
        } else {
            throw new IllegalStateException("Message key " + prefix + " in " + file + " must be text, not a list");
        }
    }

    /** Escapes a value for Telegram HTML: only {@code < > & " '}, so "—" or "«" stay readable (Telegram knows no &mdash;). */
    public static String escape(String value) {
        return HtmlUtils.htmlEscape(value, "UTF-8");
    }

    /** Name/value pairs as a map: {@code args("name", "Ann", "score", 12)}. */
    public static Map<String, Object> args(Object... pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("args come in name/value pairs");
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(String.valueOf(pairs[i]), pairs[i + 1]);
        return map;
    }

    /** An argument that is already safe HTML (e.g. a rendered list) and must not be escaped again. */
    public record Trusted(String html) {
    }
}
