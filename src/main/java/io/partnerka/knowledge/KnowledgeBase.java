package io.partnerka.knowledge;

import io.partnerka.conversation.Localized;
import io.partnerka.conversation.Content;
import io.partnerka.conversation.ContentProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The sections and articles of {@code messages/kb/*.yml}, read once at start (a broken file is reported with its
 * line and skipped), and a small ranked search over titles, keywords and texts.
 */
@Component
class KnowledgeBase {

    private static final Logger log = LoggerFactory.getLogger(KnowledgeBase.class);
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    static final String FOLDER = "kb";
    /** Words that say nothing about what is searched for. */
    private static final Set<String> STOP = Set.of("как", "что", "где", "когда", "мне", "мой", "моя", "мои", "для",
            "это", "или", "какой", "какая", "какую", "какие", "каком", "ли", "по", "на", "не", "за", "от", "до", "из", "то", "же", "бы", "вы", "он", "она", "мы",
            "the", "how", "what", "where", "when", "do", "does", "can", "is", "are", "my", "to", "of", "and", "or",
            "in", "on", "for", "an", "it", "me", "with");

    private final Map<String, KbSection> sections = new LinkedHashMap<>();
    private final List<ContentProblem> problems = new ArrayList<>();
    private final String defaultLanguage;

    KnowledgeBase(Content files, @Value("${partnerka.languages:ru,en}") List<String> languages,
                  @Value("${partnerka.default-language:ru}") String defaultLanguage) {
        this.defaultLanguage = defaultLanguage;
        KbLoader loader = new KbLoader(languages, files::exists);
        List<KbSection> loaded = new ArrayList<>();
        for (String file : files.list(FOLDER)) {
            KbLoader.Result r = read(loader, files, file);
            for (ContentProblem p : r.problems()) {
                if (p.error()) log.error("Knowledge base file {}", p); else log.warn("Knowledge base file {}", p);
                problems.add(p);
            }
            if (r.section() == null) {
                log.error("Knowledge base file {} is skipped until it is fixed", file);
            } else if (loaded.stream().anyMatch(s -> s.id().equals(r.section().id()))) {
                ContentProblem p = new ContentProblem(file, null, "section id '" + r.section().id() + "' is used by another file; skipped", true);
                log.error("Knowledge base file {}", p);
                problems.add(p);
            } else {
                loaded.add(r.section());
            }
        }
        loaded.sort(Comparator.comparingInt(KbSection::order).thenComparing(KbSection::id));
        loaded.forEach(s -> sections.put(s.id(), s));
        log.info("Knowledge base: {} section(s) loaded from {}", sections.size(), files.origin());
    }

    private static KbLoader.Result read(KbLoader loader, Content files, String file) {
        try {
            return loader.load(file, files.bytes(file));
        } catch (IOException | RuntimeException e) {
            return new KbLoader.Result(null, List.of(new ContentProblem(file, null, "cannot be read: " + e, true)));
        }
    }

    /** Who is reading: a partner's segment and type (null for others); managers see everything. */
    record Reader(String segment, String type, boolean manager, String language) {

        boolean sees(Set<String> segments) {
            return manager || KbSection.visible(segments, segment, type);
        }
    }

    List<KbSection> sections(Reader reader) {
        return sections.values().stream().filter(s -> reader.sees(s.segments()))
                .filter(s -> !articles(s, reader).isEmpty()).toList();
    }

    Optional<KbSection> section(String id, Reader reader) {
        return Optional.ofNullable(sections.get(id)).filter(s -> reader.sees(s.segments()));
    }

    List<KbSection.Article> articles(KbSection section, Reader reader) {
        return section.articles().stream().filter(a -> reader.sees(a.segments())).toList();
    }

    Optional<KbSection.Article> article(KbSection section, String id, Reader reader) {
        return articles(section, reader).stream().filter(a -> a.id().equals(id)).findFirst();
    }

    List<ContentProblem> problems() {
        return List.copyOf(problems);
    }

    String text(Localized l, String language) {
        return l.in(language, defaultLanguage);
    }

    /** A search hit: the article, its section and how well it matched. */
    record Hit(KbSection section, KbSection.Article article, int score) {
    }

    /**
     * The best matches for the words, best first. Each word is compared by its stem (so "комиссию" finds
     * "комиссия"): a hit in the title weighs most, then keywords, then the text (a few occurrences at most); an
     * article that matches every word, or whose title holds the whole phrase, gets a bonus.
     */
    List<Hit> search(String query, Reader reader, int limit) {
        List<String> stems = words(query).stream().filter(w -> !STOP.contains(w)).map(KnowledgeBase::stem).distinct().toList();
        if (stems.isEmpty()) return List.of();
        String phrase = String.join(" ", words(query));
        List<Hit> hits = new ArrayList<>();
        for (KbSection s : sections(reader)) {
            for (KbSection.Article a : articles(s, reader)) {
                List<String> title = words(text(a.title(), reader.language()));
                List<String> keywords = words(text(a.keywords(), reader.language()));
                List<String> body = words(plain(text(a.text(), reader.language())));
                int score = 0;
                int matched = 0;
                for (String stem : stems) {
                    int t = count(title, stem);
                    int k = count(keywords, stem);
                    int b = Math.min(count(body, stem), 3);
                    if (t + k + b > 0) matched++;
                    score += (t > 0 ? 10 : 0) + (k > 0 ? 6 : 0) + 2 * b;
                }
                if (matched == 0) continue;
                if (matched == stems.size() && stems.size() > 1) score += 8;
                if (stems.size() > 1 && String.join(" ", title).contains(phrase)) score += 10;
                hits.add(new Hit(s, a, score));
            }
        }
        hits.sort(Comparator.comparingInt(Hit::score).reversed());
        return hits.stream().limit(limit).toList();
    }

    private static int count(List<String> words, String stem) {
        int n = 0;
        for (String w : words) if (w.startsWith(stem)) n++;
        return n;
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        var m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('ё', 'е'));
        while (m.find()) if (m.group().length() >= 2) out.add(m.group());
        return out;
    }

    /** A crude stem that ignores word endings: enough for Russian cases and English plurals in short articles. */
    static String stem(String word) {
        if (word.length() <= 4) return word;
        if (word.length() <= 6) return word.substring(0, word.length() - 1);
        return word.substring(0, word.length() - 2);
    }

    static String plain(String html) {
        return HtmlUtils.htmlUnescape(html.replaceAll("<[^>]+>", " "));
    }
}
