package io.partnerka.knowledge;

import io.partnerka.conversation.ContentCheck;
import io.partnerka.conversation.ContentProblem;
import io.partnerka.conversation.Localized;
import io.partnerka.conversation.YamlLines;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    record Result(KbSection section, List<ContentProblem> problems) {
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
            root = yaml.readTree(io.partnerka.conversation.Content.yamlReader(bytes));
        } catch (JacksonException e) {
            Integer line = e.getLocation() == null ? null : e.getLocation().getLineNr();
            return new Result(null, List.of(new ContentProblem(file, line, "not valid YAML: " + e.getOriginalMessage(), true)));
        }
        ContentCheck c = new ContentCheck(file, YamlLines.of(yaml, bytes), languages);
        if (root == null || !root.isObject()) {
            c.error("", "the file must describe one section (keys id, title, articles)");
            return new Result(null, c.problems());
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
        if (c.hasErrors()) return new Result(null, c.problems());
        return new Result(new KbSection(id, file, order, title, segments, List.copyOf(articles)), c.problems());
    }
}
