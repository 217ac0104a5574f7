package io.partnerka.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Every text exists in every language, with the same placeholders; every content file is well-formed YAML. */
class MessageCatalogTests {

    private static final Path MESSAGES = Path.of("messages");
    private final Messages catalog = new Messages(new Content(MESSAGES.toString()), List.of("ru", "en"), "ru");

    @Test
    void everyKeyExistsInEveryLanguage() {
        Set<String> ru = catalog.keys("ru");
        Set<String> en = catalog.keys("en");
        assertThat(ru).isNotEmpty();
        assertThat(difference(ru, en)).as("keys in ru but missing in en").isEmpty();
        assertThat(difference(en, ru)).as("keys in en but missing in ru").isEmpty();
    }

    @Test
    void translationsUseTheSamePlaceholders() {
        Pattern placeholder = Pattern.compile("\\{([a-zA-Z0-9_.-]+)}");
        for (String key : catalog.keys("ru")) {
            assertThat(names(placeholder.matcher(catalog.text("en", key))))
                    .as("placeholders of %s", key)
                    .isEqualTo(names(placeholder.matcher(catalog.text("ru", key))));
        }
    }

    /** Russian letters and Russian quotation marks: neither belongs in a text an English reader gets. */
    private static final Pattern RUSSIAN = Pattern.compile("[\\p{IsCyrillic}«»]");
    /** The sandbox page's switch names the other language in that language, on purpose. */
    private static final Set<String> NAMES_OF_THE_OTHER_LANGUAGE = Set.of("sandbox.ui.other-language");

    @Test
    void everyEnglishTextRenderedWithSampleArgumentsIsFreeOfRussian() {
        Pattern placeholder = Pattern.compile("\\{([a-zA-Z0-9_.-]+)}");
        List<String> offenders = new java.util.ArrayList<>();
        for (String key : catalog.keys("en")) {
            if (NAMES_OF_THE_OTHER_LANGUAGE.stream().anyMatch(key::startsWith)) continue;
            java.util.Map<String, Object> args = new java.util.HashMap<>();
            Matcher m = placeholder.matcher(catalog.text("en", key));
            while (m.find()) args.put(m.group(1), "1");
            String text = catalog.text("en", key, args);
            if (RUSSIAN.matcher(text).find()) offenders.add(key + ": " + text);
        }
        assertThat(offenders).as("English texts with Russian letters or «»").isEmpty();
    }

    @Test
    void everyTextIsFilledInEveryLanguage() {
        for (String lang : List.of("ru", "en")) {
            assertThat(catalog.keys(lang)).as(lang).allSatisfy(key ->
                    assertThat(catalog.text(lang, key)).as("%s %s", lang, key).isNotBlank());
        }
    }

    /**
     * Content files (drip chains, courses, knowledge articles, prescoring, the catalog): every text given in Russian is
     * given in English too, and the English one has no Russian in it.
     */
    @Test
    void contentFilesSayEverythingInEnglishToo() throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().build();
        List<String> problems = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(MESSAGES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml"))
                    .filter(p -> !p.startsWith(MESSAGES.resolve("ru")) && !p.startsWith(MESSAGES.resolve("en"))).toList()) {
                walk(file + ":", yaml.readTree(new Content.WholeCharacters(Files.readString(file))), problems);
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void walk(String at, tools.jackson.databind.JsonNode node, List<String> problems) {
        if (node.isObject()) {
            if (node.has("ru") && !node.has("en")) problems.add(at + " has ru but no en");
            if (node.has("en") && node.get("en").isString() && RUSSIAN.matcher(node.get("en").asString()).find()) {
                problems.add(at + "/en reads Russian: " + node.get("en").asString());
            }
            for (var e : node.properties()) walk(at + "/" + e.getKey(), e.getValue(), problems);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) walk(at + "/" + i, node.get(i), problems);
        }
    }

    @Test
    void everyYamlFileUnderMessagesParses() throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().build();
        try (Stream<Path> files = Files.walk(MESSAGES)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".yml")).toList();
            assertThat(all).isNotEmpty();
            for (Path file : all) {
                assertThat(yaml.readTree(new Content.WholeCharacters(Files.readString(file)))).as(file.toString()).isNotNull();
            }
        }
    }

    @Test
    void aMalformedFileIsReportedWithItsNameAndLine(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("ru"));
        Files.writeString(dir.resolve("ru/broken.yml"), "greeting: \"hello\nother: [unclosed\n");
        assertThatThrownBy(() -> new Content(dir.toString()).tree("ru/broken.yml"))
                .isInstanceOf(Content.ContentException.class)
                .hasMessageContaining("ru/broken.yml").hasMessageContaining("line");
    }

    @Test
    void anEmojiOnTheParsersBufferBoundaryReadsFine(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("ru"));
        for (int shift = 0; shift < 4; shift++) {
            String text = "a: \"" + "x".repeat(1018 + shift) + "📎 end\"\n";
            Files.writeString(dir.resolve("ru/edge.yml"), text);
            assertThat(new Content(dir.toString()).tree("ru/edge.yml").path("a").asString()).endsWith("📎 end");
        }
    }

    @Test
    void argumentsAreEscapedButTrustedHtmlIsNot() {
        assertThat(catalog.text("ru", "apply.approved", java.util.Map.of("name", "<b>x</b>", "manager", new Messages.Trusted("<i>M</i>"))))
                .contains("&lt;b&gt;x&lt;/b&gt;").contains("<i>M</i>");
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static Set<String> names(Matcher m) {
        Set<String> out = new TreeSet<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

}
