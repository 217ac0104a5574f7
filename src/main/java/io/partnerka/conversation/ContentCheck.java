package io.partnerka.conversation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads values of one parsed content file (a course, a knowledge-base section) at JSON pointers and collects the
 * problems found, each with the file and the YAML line. A loader that explains more overrides the message hooks
 * ({@link #unknownKey}, {@link #tooLong}, {@link #untranslated}) and adds its own readers.
 */
public class ContentCheck {

    private final String file;
    private final YamlLines lines;
    private final List<String> languages;
    private final List<ContentProblem> problems = new ArrayList<>();

    public ContentCheck(String file, YamlLines lines, List<String> languages) {
        this.file = file;
        this.lines = lines;
        this.languages = List.copyOf(languages);
    }

    public final void error(String at, String message) {
        problems.add(new ContentProblem(file, lines.line(at), where(at) + message, true));
    }

    public final void warn(String at, String message) {
        problems.add(new ContentProblem(file, lines.line(at), where(at) + message, false));
    }

    private static String where(String at) {
        return at.isEmpty() ? "" : at.substring(1).replace('/', '.') + ": ";
    }

    public final boolean hasErrors() {
        return problems.stream().anyMatch(ContentProblem::error);
    }

    /** Every problem found so far, in order. */
    public final List<ContentProblem> problems() {
        return List.copyOf(problems);
    }

    /** The child of {@code parent} named by the last segment of {@code pointer}. */
    public final JsonNode at(JsonNode parent, String pointer) {
        return parent.path(pointer.substring(pointer.lastIndexOf('/') + 1));
    }

    /** Warns about every key of {@code node} that is not one of {@code keys}. */
    public final void known(JsonNode node, String at, String... keys) {
        Set<String> allowed = Set.of(keys);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!allowed.contains(e.getKey())) warn(at + "/" + e.getKey(), unknownKey(e.getKey(), keys));
        }
    }

    /** A text or a list of texts (segments: {@code [company, individual]}); empty when missing. */
    public final Set<String> segments(JsonNode parent, String pointer) {
        JsonNode n = at(parent, pointer);
        Set<String> out = new LinkedHashSet<>();
        if (n.isMissingNode() || n.isNull()) return out;
        if (n.isString()) out.add(n.asString().strip());
        else if (n.isArray()) n.forEach(s -> out.add(s.asString().strip()));
        else error(pointer, "must be a list, e.g. [company, individual]");
        return out;
    }

    /** A text for all languages, or texts per language; each at most {@code maxLength} characters. */
    public final Localized localized(JsonNode parent, String pointer, boolean required, int maxLength) {
        JsonNode n = at(parent, pointer);
        if (n.isMissingNode() || n.isNull()) {
            if (required) error(pointer, "is missing");
            return Localized.EMPTY;
        }
        Map<String, String> texts = new LinkedHashMap<>();
        if (n.isString() || n.isNumber()) {
            texts.put("*", n.asString().strip());
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (!languages.contains(e.getKey())) {
                    warn(pointer + "/" + e.getKey(), "'" + e.getKey() + "' is not one of the languages " + languages + "; ignored");
                } else if (e.getValue().isString() || e.getValue().isNumber()) {
                    texts.put(e.getKey(), e.getValue().asString().strip());
                } else {
                    error(pointer + "/" + e.getKey(), "must be a text");
                }
            }
        } else {
            error(pointer, "must be a text, or texts per language ({ru: ..., en: ...})");
            return Localized.EMPTY;
        }
        texts.values().removeIf(String::isEmpty);
        Localized l = new Localized(texts);
        if (texts.isEmpty()) {
            if (required) error(pointer, "is empty");
            return l;
        }
        for (Map.Entry<String, String> e : texts.entrySet()) {
            if (e.getValue().length() > maxLength) tooLong(pointer, e.getKey(), e.getValue().length(), maxLength);
        }
        for (String lang : languages) {
            if (!l.covers(lang)) warn(pointer, untranslated(lang, l));
        }
        return l;
    }

    /** The warning for an unknown key. */
    protected String unknownKey(String key, String... known) {
        return "unknown key '" + key + "' is ignored";
    }

    /** Reports a text in {@code language} ({@code "*"}: for all) longer than {@code maxLength}. */
    protected void tooLong(String pointer, String language, int length, int maxLength) {
        error(pointer, "is " + length + " characters long; at most " + maxLength + " fit");
    }

    /** The warning for a localized text with nothing in {@code language}. */
    protected String untranslated(String language, Localized text) {
        return "no '" + language + "' text";
    }
}
