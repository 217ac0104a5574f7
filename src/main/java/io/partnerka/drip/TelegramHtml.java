package io.partnerka.drip;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a text is valid Telegram HTML (parse_mode HTML), so a chain file or a broadcast is refused with a
 * reason instead of failing at send time for every recipient: only Telegram's tags, properly nested and closed,
 * {@code <} and {@code &} escaped elsewhere.
 */
final class TelegramHtml {

    private static final Set<String> TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
            "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[a-zA-Z-]+(?:=\"[^\"<>]*\")?)*)\\s*>");
    private static final Pattern ENTITY = Pattern.compile("&(?:lt|gt|amp|quot|#\\d{1,7}|#x[0-9a-fA-F]{1,6});");

    private TelegramHtml() {
    }

    /** Null when the text is fine, else what is wrong (in English, for logs and validation messages). */
    static String problem(String html) {
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                Matcher m = TAG.matcher(html).region(i, html.length());
                if (!m.lookingAt()) return "a '<' that does not start a tag at position " + i + " (write &lt; for a literal <)";
                String name = m.group(2).toLowerCase(Locale.ROOT);
                if (!TAGS.contains(name)) return "the tag <" + name + "> is not supported by Telegram";
                if (m.group(1).isEmpty()) {
                    if (name.equals("a") && !m.group(3).contains("href=")) return "a link <a> needs href=\"...\"";
                    open.push(name);
                } else {
                    if (open.isEmpty() || !open.peek().equals(name)) return "</" + name + "> closes a tag that is not open";
                    open.pop();
                }
                i = m.end();
            } else if (c == '&') {
                Matcher m = ENTITY.matcher(html).region(i, html.length());
                if (!m.lookingAt()) return "a '&' that is not an entity at position " + i + " (write &amp; for a literal &)";
                i = m.end();
            } else {
                i++;
            }
        }
        return open.isEmpty() ? null : "<" + open.peek() + "> is never closed";
    }
}
