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
