package io.partnerka.training;

import io.partnerka.conversation.Content;
import io.partnerka.conversation.ContentCheck;
import io.partnerka.conversation.ContentProblem;
import io.partnerka.conversation.Localized;
import io.partnerka.conversation.YamlLines;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads one course file and checks everything an operator can get wrong, each problem with the file and line. A
 * course with an error is not loaded (the others are); a warning (a missing translation, an unknown key) is only
 * reported.
 */
final class CourseLoader {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,23}");
    static final int MAX_TITLE = 120;
    /** Telegram shows at most 4096 characters per message; headers and links need the rest. */
    static final int MAX_LESSON = 3800;
    static final int MAX_QUESTION = 3000;
    static final int MAX_OPTION = 300;
    static final int MAX_EXPLANATION = 1000;
    static final int MAX_QUESTIONS = 50;
    static final int MAX_OPTIONS = 10;
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(?:(\\d+)d)?\\s*(?:(\\d+)h)?\\s*(?:(\\d+)m)?\\s*(?:(\\d+)s)?");

    /** The course when it can be used (else null), and every problem found. */
    record Result(Course course, List<ContentProblem> problems) {
        List<ContentProblem> errors() {
            return problems.stream().filter(ContentProblem::error).toList();
        }
    }

    private final YAMLMapper yaml = YAMLMapper.builder().build();
    private final List<String> languages;
    private final String defaultLanguage;
    private final Predicate<String> fileExists;

    CourseLoader(List<String> languages, String defaultLanguage, Predicate<String> fileExists) {
        this.languages = List.copyOf(languages);
        this.defaultLanguage = defaultLanguage;
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
        Check c = new Check(file, YamlLines.of(yaml, bytes));
        if (root == null || root.isMissingNode() || root.isNull() || !root.isObject()) {
            c.error("", "the file must describe one course (keys id, title, lessons, quiz)");
            return new Result(null, c.problems());
        }
        c.known(root, "", "id", "order", "title", "description", "mandatory", "segments", "lessons", "quiz");
        String fallbackId = file.replaceAll("^.*/", "").replaceAll("\\.ya?ml$", "");
        String id = root.has("id") ? c.string(root, "/id") : fallbackId;
        if (id != null && !ID.matcher(id).matches()) {
            c.error("/id", "course id '" + id + "' must be 1-24 characters: lower-case latin letters, digits and '-'");
        }
        int order = c.integer(root, "/order", 100, Integer.MIN_VALUE, Integer.MAX_VALUE);
        Localized title = c.localized(root, "/title", true, MAX_TITLE);
        Localized description = c.localized(root, "/description", false, 1000);
        boolean mandatory = c.bool(root, "/mandatory", false);
        Set<String> segments = c.segments(root, "/segments");

        List<Course.Lesson> lessons = new ArrayList<>();
        JsonNode lessonsNode = root.path("lessons");
        if (!lessonsNode.isMissingNode() && !lessonsNode.isNull()) {
            if (!lessonsNode.isArray()) {
                c.error("/lessons", "lessons must be a list");
            } else {
                for (int i = 0; i < lessonsNode.size(); i++) lessons.add(lesson(c, lessonsNode.get(i), "/lessons/" + i));
            }
        }
        Course.Quiz quiz = quiz(c, root.path("quiz"));
        if (c.hasErrors()) return new Result(null, c.problems());
        return new Result(new Course(id, file, order, title, description, mandatory, segments, List.copyOf(lessons), quiz,
                fingerprint(bytes)), c.problems());
    }

    private Course.Lesson lesson(Check c, JsonNode node, String at) {
        if (!node.isObject()) {
            c.error(at, "a lesson must have a title and a text");
            return null;
        }
        c.known(node, at, "title", "text", "link", "link-title", "document");
        Localized title = c.localized(node, at + "/title", true, MAX_TITLE);
        Localized text = c.localized(node, at + "/text", true, MAX_LESSON);
        String link = node.has("link") ? c.string(node, at + "/link") : null;
        if (link != null && !URL.matcher(link).matches()) c.error(at + "/link", "link must be an http(s) address: " + link);
        Localized linkTitle = c.localized(node, at + "/link-title", false, 60);
        String document = node.has("document") ? c.string(node, at + "/document") : null;
        if (document != null) {
            if (!Content.isSafe(document)) {
                c.error(at + "/document", "document must be a path inside the messages folder, e.g. training/files/guide.pdf");
            } else if (!fileExists.test(document)) {
                c.error(at + "/document", "no such file in the messages folder: " + document);
            }
        }
        return new Course.Lesson(title, text, link, linkTitle, document);
    }

    private Course.Quiz quiz(Check c, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            c.error("", "the course has no quiz: add quiz with pass-mark and questions");
            return null;
        }
        if (!node.isObject()) {
            c.error("/quiz", "quiz must have pass-mark, attempts, cool-down and questions");
            return null;
        }
        c.known(node, "/quiz", "pass-mark", "attempts", "cool-down", "questions");
        int passMark = c.integer(node, "/quiz/pass-mark", 80, 1, 100);
        int attempts = c.integer(node, "/quiz/attempts", 0, 0, 1000);
        Duration coolDown = c.duration(node, "/quiz/cool-down");
        JsonNode qs = node.path("questions");
        List<Course.Question> questions = new ArrayList<>();
        if (!qs.isArray() || qs.isEmpty()) {
            c.error("/quiz/questions", "the quiz needs a list of questions");
        } else if (qs.size() > MAX_QUESTIONS) {
            c.error("/quiz/questions", "at most " + MAX_QUESTIONS + " questions");
        } else {
            for (int i = 0; i < qs.size(); i++) questions.add(question(c, qs.get(i), "/quiz/questions/" + i));
        }
        return new Course.Quiz(passMark, attempts, coolDown, questions);
    }

    private Course.Question question(Check c, JsonNode node, String at) {
        if (!node.isObject()) {
            c.error(at, "a question needs a text and options");
            return null;
        }
        c.known(node, at, "text", "type", "options", "explanation");
        Localized text = c.localized(node, at + "/text", true, MAX_QUESTION);
        String type = node.has("type") ? c.string(node, at + "/type") : "single";
        if (type != null && !type.equals("single") && !type.equals("multiple")) {
            c.error(at + "/type", "type must be single or multiple, not " + type);
        }
        boolean multiple = "multiple".equals(type);
        Localized explanation = c.localized(node, at + "/explanation", false, MAX_EXPLANATION);
        JsonNode os = node.path("options");
        List<Course.Option> options = new ArrayList<>();
        if (!os.isArray() || os.size() < 2 || os.size() > MAX_OPTIONS) {
            c.error(at + "/options", "a question needs 2 to " + MAX_OPTIONS + " options");
            return new Course.Question(text, multiple, options, explanation);
        }
        for (int i = 0; i < os.size(); i++) {
            String oat = at + "/options/" + i;
            JsonNode o = os.get(i);
            if (!o.isObject()) {
                c.error(oat, "an option is written as: - text: ...  (and correct: true for a right one)");
                continue;
            }
            c.known(o, oat, "text", "correct");
            options.add(new Course.Option(c.localized(o, oat + "/text", true, MAX_OPTION), c.bool(o, oat + "/correct", false)));
        }
        long correct = options.stream().filter(Course.Option::correct).count();
        if (correct == 0) c.error(at + "/options", "no option is marked correct: true");
        if (!multiple && correct > 1) {
            c.error(at + "/options", correct + " options are correct in a single-choice question: use type: multiple");
        }
        return new Course.Question(text, multiple, options, explanation);
    }

    private static String fingerprint(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "10m", "1h", "2d", "1h30m", "45s", a number of seconds, or ISO-8601 ("PT1H"). */
    static Duration parseDuration(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(s));
        if (s.startsWith("p")) return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
        Matcher m = SIMPLE_DURATION.matcher(s);
        if (s.isEmpty() || !m.matches()) throw new IllegalArgumentException(text);
        Duration d = Duration.ZERO;
        if (m.group(1) != null) d = d.plusDays(Long.parseLong(m.group(1)));
        if (m.group(2) != null) d = d.plusHours(Long.parseLong(m.group(2)));
        if (m.group(3) != null) d = d.plusMinutes(Long.parseLong(m.group(3)));
        if (m.group(4) != null) d = d.plusSeconds(Long.parseLong(m.group(4)));
        return d;
    }

    /** The shared content checks with the course's fuller messages, and the readers only a course needs. */
    private final class Check extends ContentCheck {

        Check(String file, YamlLines lines) {
            super(file, lines, languages);
        }

        @Override
        protected String unknownKey(String key, String... known) {
            return "unknown key '" + key + "' is ignored (known: " + String.join(", ", known) + ")";
        }

        @Override
        protected void tooLong(String pointer, String language, int length, int maxLength) {
            error(pointer + (language.equals("*") ? "" : "/" + language), "is " + length
                    + " characters long; at most " + maxLength + " fit (Telegram limits a message to 4096)");
        }

        @Override
        protected String untranslated(String language, Localized text) {
            return "no '" + language + "' text; people reading " + language + " see the "
                    + (text.covers(defaultLanguage) ? defaultLanguage : "first") + " one";
        }

        String string(JsonNode parent, String pointer) {
            JsonNode n = at(parent, pointer);
            if (n.isString() || n.isNumber() || n.isBoolean()) return n.asString().strip();
            error(pointer, "must be a text");
            return null;
        }

        int integer(JsonNode parent, String pointer, int fallback, int min, int max) {
            JsonNode n = at(parent, pointer);
            if (n.isMissingNode() || n.isNull()) return fallback;
            if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
                error(pointer, "must be a whole number" + (min == Integer.MIN_VALUE ? "" : " from " + min + " to " + max)
                        + ", not " + n.asString());
                return fallback;
            }
            return n.asInt();
        }

        boolean bool(JsonNode parent, String pointer, boolean fallback) {
            JsonNode n = at(parent, pointer);
            if (n.isMissingNode() || n.isNull()) return fallback;
            if (!n.isBoolean()) {
                error(pointer, "must be true or false, not " + n.asString());
                return fallback;
            }
            return n.asBoolean();
        }

        Duration duration(JsonNode parent, String pointer) {
            JsonNode n = at(parent, pointer);
            if (n.isMissingNode() || n.isNull()) return Duration.ZERO;
            try {
                Duration d = parseDuration(n.asString());
                if (d.isNegative()) throw new IllegalArgumentException();
                return d;
            } catch (RuntimeException e) {
                error(pointer, "must be a duration such as 30m, 1h, 2d or 0, not " + n.asString());
                return Duration.ZERO;
            }
        }
    }
}
