package io.partnerka.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;

/**
 * Reads Telegram's HTML the way Telegram does (parse_mode HTML): the supported tags become entities of a plain text,
 * anything else is refused with an error like Telegram's, so a message that would bounce off Telegram bounces off the
 * sandbox too. It also writes the safe HTML the page shows: only the tags below, every other character escaped.
 */
final class TelegramHtml {

    /** Plain text and entities as Telegram stores them, and safe HTML for the browser. */
    record Parsed(String text, List<MessageEntity> entities, String safeHtml) {
    }

    /** Telegram's "can't parse entities" error. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super("Bad Request: can't parse entities: " + message);
        }
    }

    private record Tag(String entity, String open, String close) {
    }

    private static final Map<String, Tag> TAGS = new LinkedHashMap<>();
    private static final Set<String> LINK_SCHEMES = Set.of("http", "https", "tg", "mailto");

    static {
        Tag bold = new Tag("bold", "<b>", "</b>");
        Tag italic = new Tag("italic", "<i>", "</i>");
        Tag underline = new Tag("underline", "<u>", "</u>");
        Tag strike = new Tag("strikethrough", "<s>", "</s>");
        TAGS.put("b", bold);
        TAGS.put("strong", bold);
        TAGS.put("i", italic);
        TAGS.put("em", italic);
        TAGS.put("u", underline);
        TAGS.put("ins", underline);
        TAGS.put("s", strike);
        TAGS.put("strike", strike);
        TAGS.put("del", strike);
        TAGS.put("tg-spoiler", new Tag("spoiler", "<span class=\"tg-spoiler\">", "</span>"));
        TAGS.put("span", new Tag("spoiler", "<span class=\"tg-spoiler\">", "</span>"));
        TAGS.put("code", new Tag("code", "<code>", "</code>"));
        TAGS.put("pre", new Tag("pre", "<pre>", "</pre>"));
        TAGS.put("blockquote", new Tag("blockquote", "<blockquote>", "</blockquote>"));
        TAGS.put("tg-emoji", new Tag("custom_emoji", "<span>", "</span>"));
        TAGS.put("a", new Tag("text_link", "<a>", "</a>"));
    }

    private TelegramHtml() {
    }

    /** A text sent without parse_mode: no entities, shown exactly as written. */
    static Parsed plain(String text) {
        return new Parsed(text, List.of(), escape(text));
    }

    static Parsed parse(String html) throws Invalid {
        StringBuilder text = new StringBuilder();
        StringBuilder out = new StringBuilder();
        Deque<Open> stack = new ArrayDeque<>();
        List<MessageEntity> entities = new ArrayList<>();
        int i = 0;
        int n = html.length();
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<') {
                boolean closing = i + 1 < n && html.charAt(i + 1) == '/';
                if (!closing) {
                    // like Telegram: the tag name runs to a space or '>', and is checked before anything else
                    int j = i + 1;
                    while (j < n && !Character.isWhitespace(html.charAt(j)) && html.charAt(j) != '>') j++;
                    if (j >= n) throw new Invalid("Unclosed start tag at byte offset " + byteOffset(html, i));
                    String name = html.substring(i + 1, j).toLowerCase(Locale.ROOT);
                    if (!TAGS.containsKey(name)) {
                        throw new Invalid("Unsupported start tag \"" + name + "\" at byte offset " + byteOffset(html, i));
                    }
                }
                int end = html.indexOf('>', i);
                if (end < 0) {
                    throw new Invalid((closing ? "Unclosed end tag" : "Unclosed start tag") + " at byte offset " + byteOffset(html, i));
                }
                String inside = html.substring(i + 1, end);
                if (inside.startsWith("/")) {
                    String name = inside.substring(1).strip().toLowerCase(Locale.ROOT);
                    if (stack.isEmpty()) {
                        throw new Invalid("Unexpected end tag at byte offset " + byteOffset(html, i));
                    }
                    Open open = stack.pop();
                    if (!open.name.equals(name)) {
                        throw new Invalid("Unmatched end tag at byte offset " + byteOffset(html, i) + ", expected \"</"
                                + open.name + ">\", found \"</" + name + ">\"");
                    }
                    out.append(open.close);
                    int length = text.length() - open.start;
                    if (open.entity != null && length > 0) {
                        MessageEntity e = new MessageEntity(open.entity, open.start, length);
                        e.setUrl(open.url);
                        e.setLanguage(open.language);
                        entities.add(e);
                    }
                } else {
                    stack.push(openTag(html, i, inside, stack, out, text.length()));
                }
                i = end + 1;
            } else if (c == '&') {
                int semi = html.indexOf(';', i);
                String decoded = semi > i && semi - i <= 10 ? decodeEntity(html.substring(i + 1, semi)) : null;
                if (decoded != null) {
                    text.append(decoded);
                    out.append(escape(decoded));
                    i = semi + 1;
                } else {
                    text.append('&');
                    out.append("&amp;");
                    i++;
                }
            } else {
                text.append(c);
                out.append(escapeChar(c));
                i++;
            }
        }
        if (!stack.isEmpty()) {
            throw new Invalid("Can't find end tag corresponding to start tag \"" + stack.peek().name + "\"");
        }
        entities.sort(Comparator.comparingInt(MessageEntity::getOffset)
                .thenComparing(Comparator.comparingInt(MessageEntity::getLength).reversed()));
        String plain = text.toString();
        entities.forEach(e -> e.computeText(plain));
        return new Parsed(plain, List.copyOf(entities), out.toString());
    }

    private record Open(String name, String entity, String close, int start, String url, String language) {
    }

    private static Open openTag(String html, int at, String inside, Deque<Open> stack, StringBuilder out, int start)
            throws Invalid {
        int nameEnd = 0;
        while (nameEnd < inside.length() && (Character.isLetterOrDigit(inside.charAt(nameEnd)) || inside.charAt(nameEnd) == '-')) {
            nameEnd++;
        }
        String name = inside.substring(0, nameEnd).toLowerCase(Locale.ROOT);
        Tag tag = TAGS.get(name);
        if (tag == null) {
            throw new Invalid("Unsupported start tag \"" + name + "\" at byte offset " + byteOffset(html, at));
        }
        Map<String, String> attributes = attributes(inside.substring(nameEnd), html, at);
        switch (name) {
            case "span" -> {
                if (!"tg-spoiler".equals(attributes.get("class"))) {
                    throw new Invalid("Tag \"span\" must have class \"tg-spoiler\" at byte offset " + byteOffset(html, at));
                }
            }
            case "a" -> {
                String href = attributes.getOrDefault("href", "").strip();
                if (safeLink(href)) {
                    out.append("<a href=\"").append(escape(href)).append("\" target=\"_blank\" rel=\"noopener noreferrer\">");
                    return new Open(name, "text_link", "</a>", start, href, null);
                }
                // Telegram drops a link it cannot use and keeps its text
                out.append("<span>");
                return new Open(name, null, "</span>", start, null, null);
            }
            case "code" -> {
                Open pre = stack.peek();
                String cls = attributes.getOrDefault("class", "");
                if (pre != null && "pre".equals(pre.name) && cls.startsWith("language-")) {
                    // <pre><code class="language-x"> makes the pre entity carry the language
                    stack.pop();
                    stack.push(new Open(pre.name, pre.entity, pre.close, pre.start, null, cls.substring(9)));
                    out.append("<code>");
                    return new Open(name, null, "</code>", start, null, null);
                }
            }
            default -> {
            }
        }
        out.append(tag.open);
        return new Open(name, tag.entity, tag.close, start, null, null);
    }

    private static Map<String, String> attributes(String s, String html, int at) throws Invalid {
        Map<String, String> attributes = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '/') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            String value = "";
            if (i < s.length() && s.charAt(i) == '=') {
                i++;
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
                if (i < s.length() && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                    char quote = s.charAt(i);
                    int close = s.indexOf(quote, i + 1);
                    if (close < 0) throw new Invalid("Unclosed attribute value at byte offset " + byteOffset(html, at));
                    value = s.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int valueStart = i;
                    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
                    value = s.substring(valueStart, i);
                }
            }
            attributes.put(name, decodeAll(value));
        }
        return attributes;
    }

    private static boolean safeLink(String href) {
        int colon = href.indexOf(':');
        if (colon <= 0) return false;
        String scheme = href.substring(0, colon).toLowerCase(Locale.ROOT);
        return LINK_SCHEMES.contains(scheme) && href.chars().noneMatch(ch -> ch < 0x20);
    }

    private static String decodeAll(String s) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int semi = s.indexOf(';', i);
            if (s.charAt(i) == '&' && semi > i && semi - i <= 10) {
                String decoded = decodeEntity(s.substring(i + 1, semi));
                if (decoded != null) {
                    b.append(decoded);
                    i = semi + 1;
                    continue;
                }
            }
            b.append(s.charAt(i++));
        }
        return b.toString();
    }

    /** The entities Telegram understands: the four named ones and numeric ones. */
    private static String decodeEntity(String body) {
        switch (body) {
            case "lt": return "<";
            case "gt": return ">";
            case "amp": return "&";
            case "quot": return "\"";
            default: break;
        }
        try {
            if (body.startsWith("#x") || body.startsWith("#X")) {
                return Character.toString(Integer.parseInt(body.substring(2), 16));
            }
            if (body.startsWith("#")) return Character.toString(Integer.parseInt(body.substring(1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static int byteOffset(String s, int charIndex) {
        return s.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
    }

    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) b.append(escapeChar(s.charAt(i)));
        return b.toString();
    }

    private static String escapeChar(char c) {
        return switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> String.valueOf(c);
        };
    }
}
