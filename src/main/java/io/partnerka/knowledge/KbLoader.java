package io.partnerka.knowledge;

import io.partnerka.conversation.Localized;
import io.partnerka.conversation.YamlLines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads one knowledge-base file (a section); every problem comes with the file and line. */
final class KbLoader {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,19}");
    static final int MAX_TEXT = 3800;
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

    record Problem(String file, Integer line, String message, boolean error) {
        @Override
        public String toString() {
            return file + (line == null ? "" : ":" + line) + ": " + message;
        }
    }

    record Result(KbSection section, List<Problem> problems) {
    }

    private final YAMLMapper yaml = YAMLMapper.builder().build();
    private final List<String> languages;
    private final Predicate<String> fileExists;

    KbLoader(List<String> languages, Predicate<String> fileExists) {
        this.languages = List.copyOf(languages);
        this.fileExists = fileExists;
    }

    Result load(String file, byte[] bytes) {
        JsonNode root;
        try {
            root = yaml.readTree(bytes);
        } catch (JacksonException e) {
            Integer line = e.getLocation() == null ? null : e.getLocation().getLineNr();
            return new Result(null, List.of(new Problem(file, line, "not valid YAML: " + e.getOriginalMessage(), true)));
        }
        List<Problem> problems = new ArrayList<>();
        YamlLines lines = YamlLines.of(yaml, bytes);
        Check c = new Check(file, lines, problems);
        if (root == null || !root.isObject()) {
            c.error("", "the file must describe one section (keys id, title, articles)");
            return new Result(null, problems);
        }
        c.known(root, "", "id", "order", "title", "segments", "articles");
        String id = root.has("id") ? root.path("id").asString().strip() : file.replaceAll("^.*/", "").replaceAll("\\.ya?ml$", "");
        if (!ID.matcher(id).matches()) c.error("/id", "section id '" + id + "' must be 1-20 characters: lower-case latin letters, digits and '-'");
        int order = root.path("order").isIntegralNumber() ? root.path("order").asInt() : 100;
        Localized title = c.localized(root, "/title", true, 120);
        Set<String> segments = c.segments(root, "/segments");
        List<KbSection.Article> articles = new ArrayList<>();
        JsonNode list = root.path("articles");
        if (!list.isArray() || list.isEmpty()) {
            c.error("/articles", "a section needs a list of articles");
        } else {
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String at = "/articles/" + i;
                JsonNode a = list.get(i);
                if (!a.isObject()) {
                    c.error(at, "an article needs an id, a title and a text");
                    continue;
                }
                c.known(a, at, "id", "title", "text", "link", "link-title", "document", "segments", "keywords");
                String aid = a.path("id").asString("").strip();
                if (!ID.matcher(aid).matches()) {
                    c.error(at + "/id", "article id '" + aid + "' must be 1-20 characters: lower-case latin letters, digits and '-'");
                } else if (!ids.add(aid)) {
                    c.error(at + "/id", "article id '" + aid + "' is used twice in this section");
                }
                String link = a.has("link") ? a.path("link").asString().strip() : null;
                if (link != null && !URL.matcher(link).matches()) c.error(at + "/link", "link must be an http(s) address: " + link);
                String document = a.has("document") ? a.path("document").asString().strip() : null;
                if (document != null && !fileExists.test(document)) {
                    c.error(at + "/document", "no such file in the messages folder: " + document);
                }
                articles.add(new KbSection.Article(aid, c.localized(a, at + "/title", true, 120),
                        c.localized(a, at + "/text", true, MAX_TEXT), link, c.localized(a, at + "/link-title", false, 60),
                        document, c.segments(a, at + "/segments"), c.localized(a, at + "/keywords", false, 1000)));
            }
        }
        if (problems.stream().anyMatch(Problem::error)) return new Result(null, problems);
        return new Result(new KbSection(id, file, order, title, segments, List.copyOf(articles)), problems);
    }

    private final class Check {
        final String file;
        final YamlLines lines;
        final List<Problem> problems;

        Check(String file, YamlLines lines, List<Problem> problems) {
            this.file = file;
            this.lines = lines;
            this.problems = problems;
        }

        void error(String at, String message) {
            problems.add(new Problem(file, lines.line(at), where(at) + message, true));
        }

        void warn(String at, String message) {
            problems.add(new Problem(file, lines.line(at), where(at) + message, false));
        }

        private String where(String at) {
            return at.isEmpty() ? "" : at.substring(1).replace('/', '.') + ": ";
        }

        void known(JsonNode node, String at, String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!allowed.contains(e.getKey())) warn(at + "/" + e.getKey(), "unknown key '" + e.getKey() + "' is ignored");
            }
        }

        Set<String> segments(JsonNode parent, String pointer) {
            JsonNode n = parent.path(pointer.substring(pointer.lastIndexOf('/') + 1));
            Set<String> out = new LinkedHashSet<>();
            if (n.isMissingNode() || n.isNull()) return out;
            if (n.isString()) out.add(n.asString().strip());
            else if (n.isArray()) n.forEach(s -> out.add(s.asString().strip()));
            else error(pointer, "must be a list, e.g. [company, individual]");
            return out;
        }

        Localized localized(JsonNode parent, String pointer, boolean required, int maxLength) {
            JsonNode n = parent.path(pointer.substring(pointer.lastIndexOf('/') + 1));
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
            if (texts.isEmpty() && required) error(pointer, "is empty");
            for (Map.Entry<String, String> e : texts.entrySet()) {
                if (e.getValue().length() > maxLength) {
                    error(pointer, "is " + e.getValue().length() + " characters long; at most " + maxLength + " fit");
                }
            }
            Localized l = new Localized(texts);
            if (!texts.isEmpty()) {
                for (String lang : languages) if (!l.covers(lang)) warn(pointer, "no '" + lang + "' text");
            }
            return l;
        }
    }
}
