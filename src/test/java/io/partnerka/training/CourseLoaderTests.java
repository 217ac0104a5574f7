package io.partnerka.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.conversation.ContentProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Course files: what loads, and every mistake an operator can make reported with the file and the line. */
class CourseLoaderTests {

    private final CourseLoader loader = new CourseLoader(List.of("ru", "en"), "ru",
            path -> path.equals("training/files/guide.pdf"));

    private static final String VALID = """
            id: sales
            order: 5
            mandatory: true
            segments: [company]
            title: {ru: "Продажи", en: "Sales"}
            lessons:
              - title: {ru: "Урок", en: "Lesson"}
                text: {ru: "<b>Текст</b>", en: "<b>Text</b>"}
                link: https://example.com/a
                document: training/files/guide.pdf
            quiz:
              pass-mark: 60
              attempts: 2
              cool-down: 1h30m
              questions:
                - text: {ru: "Вопрос?", en: "Question?"}
                  options:
                    - text: "A"
                      correct: true
                    - text: "B"
                - text: {ru: "Несколько?", en: "Several?"}
                  type: multiple
                  explanation: {ru: "Потому что", en: "Because"}
                  options:
                    - {text: "X", correct: true}
                    - {text: "Y", correct: true}
                    - {text: "Z"}
            """;

    private CourseLoader.Result load(String yaml) {
        return loader.load("training/test.yml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidCourseLoadsWithEverything() {
        CourseLoader.Result r = load(VALID);
        assertThat(r.problems()).isEmpty();
        Course c = r.course();
        assertThat(c.id()).isEqualTo("sales");
        assertThat(c.mandatory()).isTrue();
        assertThat(c.visibleTo("company", "company")).isTrue();
        assertThat(c.visibleTo("individual", "individual")).isFalse();
        assertThat(c.title().in("en", "ru")).isEqualTo("Sales");
        assertThat(c.lessons()).singleElement().satisfies(l -> {
            assertThat(l.link()).isEqualTo("https://example.com/a");
            assertThat(l.document()).isEqualTo("training/files/guide.pdf");
        });
        assertThat(c.quiz().passMark()).isEqualTo(60);
        assertThat(c.quiz().attempts()).isEqualTo(2);
        assertThat(c.quiz().coolDown()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.quiz().questions().get(1).multiple()).isTrue();
        assertThat(c.quiz().questions().get(1).correct()).containsExactly(0, 1);
        assertThat(c.fingerprint()).hasSize(16);
    }

    @Test
    void brokenYamlIsReportedWithItsLine() {
        CourseLoader.Result r = load("title: ok\nlessons:\n  - title: [unclosed\n    text: x\n");
        assertThat(r.course()).isNull();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.error()).isTrue();
            assertThat(p.line()).isBetween(3, 5);
            assertThat(p.toString()).startsWith("training/test.yml:").contains("not valid YAML");
        });
    }

    @Test
    void aQuestionWithoutACorrectOptionIsAnErrorAtItsLine() {
        String yaml = VALID.replace("        - text: \"A\"\n          correct: true", "        - text: \"A\"");
        CourseLoader.Result r = load(yaml);
        assertThat(r.course()).isNull();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("quiz.questions.0.options").contains("no option is marked correct");
            assertThat(p.line()).isEqualTo(lineOf(yaml, "options:"));
        });
    }

    @Test
    void everyKindOfMistakeIsNamed() {
        String yaml = VALID
                .replace("id: sales", "id: Sales Course!")
                .replace("pass-mark: 60", "pass-mark: 150")
                .replace("cool-down: 1h30m", "cool-down: soon")
                .replace("link: https://example.com/a", "link: ftp:/nowhere")
                .replace("document: training/files/guide.pdf", "document: ../../etc/passwd")
                .replace("type: multiple", "type: many")
                .replace("mandatory: true", "mandatory: yes please");
        CourseLoader.Result r = load(yaml);
        assertThat(r.course()).isNull();
        assertThat(r.errors()).extracting(ContentProblem::message).anySatisfy(m -> assertThat(m).contains("course id 'Sales Course!'"))
                .anySatisfy(m -> assertThat(m).contains("quiz.pass-mark").contains("from 1 to 100"))
                .anySatisfy(m -> assertThat(m).contains("quiz.cool-down").contains("soon"))
                .anySatisfy(m -> assertThat(m).contains("lessons.0.link"))
                .anySatisfy(m -> assertThat(m).contains("lessons.0.document").contains("inside the messages folder"))
                .anySatisfy(m -> assertThat(m).contains("type must be single or multiple"))
                .anySatisfy(m -> assertThat(m).contains("mandatory").contains("true or false"));
        assertThat(r.errors()).allSatisfy(p -> assertThat(p.line()).isNotNull());
        ContentProblem passMark = r.errors().stream().filter(p -> p.message().contains("pass-mark")).findFirst().orElseThrow();
        assertThat(passMark.line()).isEqualTo(lineOf(yaml, "pass-mark: 150"));
    }

    @Test
    void twoCorrectAnswersInASingleChoiceQuestionAndAMissingDocumentAreErrors() {
        String yaml = VALID.replace("        - text: \"B\"", "        - text: \"B\"\n          correct: true").replace("training/files/guide.pdf", "training/files/missing.pdf");
        CourseLoader.Result r = load(yaml);
        assertThat(r.errors()).extracting(ContentProblem::message)
                .anySatisfy(m -> assertThat(m).contains("2 options are correct in a single-choice question"))
                .anySatisfy(m -> assertThat(m).contains("no such file in the messages folder: training/files/missing.pdf"));
    }

    @Test
    void aHugeQuestionTextIsRefusedBecauseTelegramCannotShowIt() {
        String yaml = VALID.replace("text: {ru: \"Вопрос?\", en: \"Question?\"}", "text: \"" + "очень длинный вопрос ".repeat(200) + "\"");
        CourseLoader.Result r = load(yaml);
        assertThat(r.course()).isNull();
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("quiz.questions.0.text").contains("at most 3000");
            assertThat(p.line()).isEqualTo(lineOf(yaml, "очень длинный"));
        });
    }

    @Test
    void missingTranslationsAndUnknownKeysAreWarningsOnly() {
        String yaml = VALID.replace("title: {ru: \"Продажи\", en: \"Sales\"}", "title: {ru: \"Продажи\"}")
                .replace("pass-mark: 60", "pass-mark: 60\n  passmark: 70");
        CourseLoader.Result r = load(yaml);
        assertThat(r.course()).isNotNull();
        assertThat(r.errors()).isEmpty();
        assertThat(r.problems()).extracting(ContentProblem::message)
                .anySatisfy(m -> assertThat(m).contains("title").contains("no 'en' text"))
                .anySatisfy(m -> assertThat(m).contains("unknown key 'passmark'"));
        assertThat(r.course().title().in("en", "ru")).isEqualTo("Продажи");
    }

    @Test
    void aFileWithoutAQuizOrWithoutQuestionsIsAnError() {
        assertThat(load("title: Без теста\nlessons: []\n").errors()).extracting(ContentProblem::message)
                .anySatisfy(m -> assertThat(m).contains("no quiz"));
        assertThat(load("title: T\nquiz:\n  questions: []\n").errors()).extracting(ContentProblem::message)
                .anySatisfy(m -> assertThat(m).contains("needs a list of questions"));
        assertThat(load("").errors()).isNotEmpty();
        assertThat(load("- just\n- a list\n").errors()).isNotEmpty();
    }

    @Test
    void durationsReadTheWayOperatorsWriteThem() {
        assertThat(CourseLoader.parseDuration("0")).isZero();
        assertThat(CourseLoader.parseDuration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(CourseLoader.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(CourseLoader.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(CourseLoader.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theShippedCoursesAreValid() throws Exception {
        Path dir = Path.of("messages");
        CourseLoader real = new CourseLoader(List.of("ru", "en"), "ru", p -> Files.isRegularFile(dir.resolve(p)));
        try (var files = Files.list(dir.resolve("training"))) {
            List<Path> yml = files.filter(p -> p.toString().endsWith(".yml")).toList();
            assertThat(yml).isNotEmpty();
            for (Path p : yml) {
                CourseLoader.Result r = real.load("training/" + p.getFileName(), Files.readAllBytes(p));
                assertThat(r.problems()).as(p.toString()).isEmpty();
            }
        }
    }

    private static int lineOf(String yaml, String fragment) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(fragment)) return i + 1;
        throw new AssertionError("no line with " + fragment);
    }
}
