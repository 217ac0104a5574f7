package io.partnerka.conversation;

import io.partnerka.PartnerkaApplication;
import io.partnerka.testing.ChatTester;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A restart in the middle of a form resumes at the same step: the state is in PostgreSQL, not in memory. */
class RestartTests {

    @Test
    void aHalfFilledFormSurvivesARestartOfTheWholeApplication(@TempDir Path data) {
        long user = 777_001;
        try (ConfigurableApplicationContext first = start(data)) {
            chat(first, user).send("/apply").expect("apply.ask-type")
                    .press("apply.type.company").expect("apply.ask-name")
                    .send("ООО Ромашка").expect("apply.ask-city");
        }
        try (ConfigurableApplicationContext second = start(data)) {
            chat(second, user).send("Казань").expect("apply.ask-phone");
        }
    }

    private static ConfigurableApplicationContext start(Path data) {
        return new SpringApplicationBuilder(PartnerkaApplication.class).profiles("test")
                .run("--partnerka.embedded-db.dir=" + data.resolve("pg"), "--partnerka.embedded-db.clean=false",
                        "--server.port=0");
    }

    private static ChatTester chat(ConfigurableApplicationContext app, long user) {
        return new ChatTester(app.getBean(ConversationEngine.class), app.getBean(Messages.class),
                app.getBean(JdbcClient.class), user, "Анна");
    }
}
