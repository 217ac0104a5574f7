package io.partnerka.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaApplication;
import io.partnerka.conversation.ContentProblem;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An operator's own messages folder with broken course and knowledge-base files: the bot starts anyway, reports
 * each file with its line, and serves the good ones.
 */
class MalformedContentTests {

    @Test
    void brokenFilesAreReportedAndSkippedAndTheBotStarts(@TempDir Path tmp) throws IOException {
        Path messages = tmp.resolve("messages");
        copy(Path.of("messages"), messages);
        Files.writeString(messages.resolve("training/broken-syntax.yml"), """
                id: broken
                title: "Сломанный курс
                lessons: []
                """);
        Files.writeString(messages.resolve("training/no-correct.yml"), """
                id: no-correct
                title: Курс без верного ответа
                quiz:
                  pass-mark: 80
                  questions:
                    - text: Вопрос?
                      options:
                        - text: А
                        - text: Б
                """);
        Files.writeString(messages.resolve("kb/99-broken.yml"), "id: broken\ntitle: [\n");

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test")
                .run("--partnerka.messages-dir=" + messages, "--server.port=0",
                        "--partnerka.embedded-db.dir=" + tmp.resolve("pg"), "--partnerka.embedded-db.clean=true")) {
            CourseCatalog catalog = app.getBean(CourseCatalog.class);
            assertThat(catalog.all()).extracting(Course::id).containsExactly("basics", "companies");
            assertThat(catalog.problems()).filteredOn(ContentProblem::error).extracting(Object::toString)
                    .anySatisfy(p -> assertThat(p).startsWith("training/broken-syntax.yml:").contains("not valid YAML"))
                    .anySatisfy(p -> assertThat(p).isEqualTo(
                            "training/no-correct.yml:7: quiz.questions.0.options: no option is marked correct: true"));

            // the good content still works for a partner
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            long userId = TestPartners.approved(jdbc, "individual", "Анна");
            new ChatTester(app.getBean(ConversationEngine.class), app.getBean(Messages.class), jdbc, userId, "Анна")
                    .send("/training").expectContaining("Основы партнёрской программы")
                    .send("/kb").expect("kb.home");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
            }
        }
    }
}
