package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The chain files: the shipped ones are valid; every kind of mistake is reported with the file and the step. */
class ChainParserTests {

    private final YAMLMapper yaml = YAMLMapper.builder().build();
    private final ChainParser parser = new ChainParser(List.of("ru", "en"), Set.of("requisites-approved"));

    private static final String VALID = """
            trigger: approved
            partner-types: [company]
            stop-when: first-client
            steps:
              - id: hello
                delay: 1h
                skip-if: [training-started, clicked:hello]
                text: { ru: "Привет, {name}! <b>Курс</b>", en: "Hi {name}! <b>Course</b>" }
                button: { label: { ru: "Курс", en: "Course" }, command: /training }
              - id: second
                delay: 1d12h
                text: { ru: "Второй", en: "Second" }
                button: { label: { ru: "Ссылка", en: "Link" }, url: "https://example.com/x" }
            """;

    private ChainParser.Result parse(String file, String content) {
        Map<String, JsonNode> files = new LinkedHashMap<>();
        files.put(file, yaml.readTree(content));
        return parser.parse(files);
    }

    private List<String> errors(String content) {
        return parse("drip/test.yml", content).errors();
    }

    @Test
    void theShippedChainsAreValid() throws IOException {
        Map<String, JsonNode> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.list(Path.of("messages/drip"))) {
            for (Path p : paths.filter(x -> x.toString().endsWith(".yml")).sorted().toList()) {
                files.put("drip/" + p.getFileName(), yaml.readTree(p.toFile()));
            }
        }
        // conditions other modules contribute as DripCondition beans, as the running app knows them
        ChainParser.Result result = new ChainParser(List.of("ru", "en"), Set.of(CannotSubmitYet.NAME)).parse(files);
        assertThat(result.errors()).isEmpty();
        assertThat(result.chains()).containsOnlyKeys("onboarding", "application-reminder", "training-unfinished",
                "inactive-14", "inactive-30", "first-client");
        Chain onboarding = result.chains().get("onboarding");
        assertThat(onboarding.trigger()).isEqualTo(Drips.APPROVED);
        assertThat(onboarding.steps()).extracting(Chain.Step::id)
                .containsExactly("first-course", "first-client", "requisites", "referral-link");
        assertThat(onboarding.steps()).allSatisfy(s -> assertThat(s.skipIf()).isNotEmpty());
        assertThat(onboarding.steps().get(1).skipIf()).contains(CannotSubmitYet.NAME);
        assertThat(result.chains().get("inactive-30").after()).isEqualTo(Duration.ofDays(30));
        assertThat(result.chains().get("application-reminder").onlyApproved()).isFalse();
        assertThat(result.chains().get("application-reminder").first().target())
                .isEqualTo(new Target(Target.Kind.CALLBACK, "apply"));
    }

    @Test
    void aValidChainIsReadWithItsDefaults() {
        ChainParser.Result result = parse("drip/welcome.yml", VALID);
        assertThat(result.errors()).isEmpty();
        Chain chain = result.chains().get("welcome");
        assertThat(chain.id()).as("the id defaults to the file name").isEqualTo("welcome");
        assertThat(chain.onlyApproved()).isTrue();
        assertThat(chain.stopWhen()).containsExactly("first-client");
        Chain.Step hello = chain.first();
        assertThat(hello.delay()).isEqualTo(Duration.ofHours(1));
        assertThat(hello.skipIf()).containsExactly("training-started", "clicked:hello");
        assertThat(hello.target()).isEqualTo(new Target(Target.Kind.COMMAND, "training"));
        assertThat(hello.text()).containsEntry("en", "Hi {name}! <b>Course</b>");
        assertThat(chain.after("hello").delay()).isEqualTo(Duration.ofHours(36));
        assertThat(chain.after("second")).isNull();
        assertThat(chain.admits("company", "company")).isTrue();
        assertThat(chain.admits("individual", "individual")).as("another partner type is outside the chain").isFalse();
    }

    @Test
    void aMissingLanguageIsReportedWithFileAndStep() {
        assertThat(errors(VALID.replace("en: \"Second\"", "de: \"Zweite\"")))
                .anySatisfy(e -> assertThat(e).contains("drip/test.yml").contains("step second").contains("missing in en"))
                .anySatisfy(e -> assertThat(e).contains("unknown language de"));
    }

    @Test
    void everyMessageHasExactlyOneButton() {
        assertThat(errors(VALID.replace("url: \"https://example.com/x\"", "url: \"https://example.com/x\", command: menu")))
                .anySatisfy(e -> assertThat(e).contains("step second").contains("exactly one of"));
        assertThat(errors(VALID.replace("""
                    button: { label: { ru: "Ссылка", en: "Link" }, url: "https://example.com/x" }
                """, "")))
                .anySatisfy(e -> assertThat(e).contains("step second").contains("exactly one button"));
    }

    @Test
    void brokenHtmlIsRefused() {
        assertThat(errors(VALID.replace("<b>Course</b>", "<b>Course")))
                .anySatisfy(e -> assertThat(e).contains("step hello").contains("in en").contains("<b> is never closed"));
        assertThat(errors(VALID.replace("<b>Course</b>", "<blink>x</blink>")))
                .anySatisfy(e -> assertThat(e).contains("not supported"));
        assertThat(errors(VALID.replace("<b>Course</b>", "1 < 2 & 3")))
                .anySatisfy(e -> assertThat(e).contains("'<' that does not start a tag"));
    }

    @Test
    void unknownConditionsTriggersAndKeysAreRefused() {
        assertThat(errors(VALID.replace("stop-when: first-client", "stop-when: first-clinet")))
                .anySatisfy(e -> assertThat(e).contains("unknown condition first-clinet"));
        assertThat(errors(VALID.replace("clicked:hello", "clicked:nowhere")))
                .anySatisfy(e -> assertThat(e).contains("clicked:nowhere refers to no step"));
        assertThat(errors(VALID.replace("trigger: approved", "trigger: aproved")))
                .anySatisfy(e -> assertThat(e).contains("trigger must be one of"));
        assertThat(errors(VALID.replace("stop-when:", "stop-wen:"))).as("a typo in a key")
                .anySatisfy(e -> assertThat(e).contains("stop-wen"));
        assertThat(errors(VALID.replace("stop-when: first-client", "stop-when: requisites-approved")))
                .as("a DripCondition bean's name is known").isEmpty();
    }

    @Test
    void scannedTriggersNeedAfterAndOthersMustNotHaveIt() {
        assertThat(errors(VALID.replace("trigger: approved", "trigger: inactive")))
                .anySatisfy(e -> assertThat(e).contains("needs 'after'"));
        assertThat(errors(VALID.replace("trigger: approved", "trigger: approved\nafter: 3d")))
                .anySatisfy(e -> assertThat(e).contains("'after' only applies"));
        assertThat(errors(VALID.replace("trigger: approved", "trigger: application-unfinished\nafter: 2h")))
                .anySatisfy(e -> assertThat(e).contains("only-approved: false"));
        assertThat(errors(VALID.replace("trigger: approved", "trigger: inactive\nafter: soon")))
                .anySatisfy(e -> assertThat(e).contains("not a duration: soon"));
    }

    @Test
    void stepIdsAreUniqueAndChainIdsTooAcrossFiles() {
        assertThat(errors(VALID.replace("id: second", "id: hello")))
                .anySatisfy(e -> assertThat(e).contains("two steps named hello"));
        Map<String, JsonNode> files = new LinkedHashMap<>();
        files.put("drip/a.yml", yaml.readTree("id: same\n" + VALID));
        files.put("drip/b.yml", yaml.readTree("id: same\n" + VALID));
        ChainParser.Result result = parser.parse(files);
        assertThat(result.chains()).containsOnlyKeys("same");
        assertThat(result.errors()).singleElement().asString().contains("drip/b.yml").contains("also used by drip/a.yml");
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("45m")).isEqualTo(Duration.ofMinutes(45));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofHours(50))).isEqualTo("2d2h");
    }

    @Test
    void telegramHtmlChecks() {
        assertThat(TelegramHtml.problem("<b>bold</b> <a href=\"https://x.io\">link</a> &amp; &lt;3 ok > fine")).isNull();
        assertThat(TelegramHtml.problem("<b><i>x</b></i>")).contains("closes a tag that is not open");
        assertThat(TelegramHtml.problem("<a>x</a>")).contains("href");
        assertThat(TelegramHtml.problem("Tom & Jerry")).contains("'&'");
    }
}
