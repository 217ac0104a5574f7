package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnerka.PartnerkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.TestPropertySource;

/** Users from configuration, and the admin generated on a first start without any: written to a 0600 file (never the log), hash kept. */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
@ExtendWith(OutputCaptureExtension.class)
class AdminAccountsTests {

    @Autowired JdbcClient jdbc;
    @TempDir Path dataDir;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private AdminAccounts accounts(List<AdminProperties.User> users) {
        return new AdminAccounts(new AdminProperties(users, List.of(), "en", new AdminProperties.Login(5, 20, java.time.Duration.ofMinutes(5))),
                jdbc, dataDir.resolve("admin-password"));
    }

    @AfterEach
    void forgetTheGeneratedAdmin() {
        jdbc.sql("DELETE FROM admin_generated_login").update();
    }

    @Test
    void withoutConfiguredUsersTheFirstStartWritesAGeneratedPasswordToAnOwnerOnlyFileNeverToTheLog(CapturedOutput output) throws Exception {
        jdbc.sql("DELETE FROM admin_generated_login").update();
        AdminAccounts first = accounts(List.of());
        first.afterSingletonsInstantiated();
        Path file = dataDir.resolve("admin-password");
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String password = Files.readString(file).strip();
        assertThat(password).hasSize(20);
        assertThat(output.getOut() + output.getErr()).as("the log says where, never what")
                .doesNotContain(password).contains(file.toString());
        assertThat(encoder.matches(password, first.loadUserByUsername("admin").getPassword())).isTrue();
        assertThat(jdbc.sql("SELECT password_hash FROM admin_generated_login").query(String.class).single())
                .startsWith("{bcrypt}").doesNotContain(password);
        assertThat(first.generatedLogin("admin")).get().extracting(AdminAccounts.GeneratedLogin::mustChange).isEqualTo(true);

        // a restart (or a second instance) uses the stored hash, leaves the file and writes nothing new
        AdminAccounts again = accounts(List.of());
        again.afterSingletonsInstantiated();
        assertThat(Files.readString(file).strip()).isEqualTo(password);
        assertThat(encoder.matches(password, again.loadUserByUsername("admin").getPassword())).isTrue();
        assertThat(again.operator("admin").isAdmin()).isTrue();

        // the change: checked, stored as bcrypt, the file goes
        assertThatThrownBy(() -> again.changePassword("admin", "wrong", "a-long-new-password", "a-long-new-password", encoder))
                .hasMessageContaining("current password is wrong");
        assertThatThrownBy(() -> again.changePassword("admin", password, "short", "short", encoder)).hasMessageContaining("at least 12");
        assertThatThrownBy(() -> again.changePassword("admin", password, password, password, encoder)).hasMessageContaining("differ");
        assertThatThrownBy(() -> again.changePassword("admin", password, "a-long-new-password", "a-long-new-passwore", encoder))
                .hasMessageContaining("two new passwords differ");
        assertThat(file).as("nothing changed yet").exists();
        again.changePassword("admin", password, "a-long-new-password", "a-long-new-password", encoder);
        assertThat(file).doesNotExist();
        assertThat(encoder.matches("a-long-new-password", again.loadUserByUsername("admin").getPassword())).isTrue();
        assertThat(encoder.matches(password, again.loadUserByUsername("admin").getPassword())).isFalse();
        assertThat(again.generatedLogin("admin")).get().extracting(AdminAccounts.GeneratedLogin::mustChange).isEqualTo(false);
        assertThat(output.getOut() + output.getErr()).doesNotContain(password).doesNotContain("a-long-new-password");
    }

    @Test
    void aPasswordFileThatCannotBeWrittenStopsTheStartAndLeavesNoUnknownLogin() throws Exception {
        Files.writeString(dataDir.resolve("not-a-dir"), "x");
        AdminAccounts blocked = new AdminAccounts(new AdminProperties(List.of(), List.of(), "en",
                new AdminProperties.Login(5, 20, java.time.Duration.ofMinutes(5))), jdbc, dataDir.resolve("not-a-dir").resolve("admin-password"));
        assertThatThrownBy(blocked::afterSingletonsInstantiated).hasMessageContaining("cannot write the generated admin password");
        assertThat(jdbc.sql("SELECT count(*) FROM admin_generated_login").query(Integer.class).single()).isZero();
    }

    @Test
    void configuredUsersReplaceTheGeneratedAdminAndNeedBcryptHashes() {
        AdminAccounts configured = accounts(List.of(new AdminProperties.User("ann", "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder().encode("pw"),
                AdminProperties.Role.MANAGER, 4242L, "Ann", null)));
        configured.afterSingletonsInstantiated();
        assertThat(jdbc.sql("SELECT count(*) FROM admin_generated_login").query(Integer.class).single()).isZero();
        assertThatThrownBy(() -> configured.loadUserByUsername("admin")).isInstanceOf(org.springframework.security.core.userdetails.UsernameNotFoundException.class);
        Operator ann = configured.operator("ann");
        assertThat(ann.actorId()).isEqualTo(4242L);          // linked to their Telegram id
        assertThat(ann.decider().channel()).isEqualTo("web");
        assertThat(configured.nameOfActor(4242L)).hasValue("Ann");

        Operator unlinked = accounts(List.of(new AdminProperties.User("bob", "$2a$10$abcdefghijklmnopqrstuv", AdminProperties.Role.ADMIN, null, null, null))).operator("bob");
        assertThat(unlinked.actorId()).isNegative();            // a stable id of its own, never a Telegram id
        assertThat(accounts(List.of()).operator("bob").actorId()).isEqualTo(unlinked.actorId());

        assertThatThrownBy(() -> accounts(List.of(new AdminProperties.User("eve", "plain-text", AdminProperties.Role.ADMIN, null, null, null))))
                .hasMessageContaining("bcrypt");
    }

    @Test
    void aPersonReadsThePagesInTheirConfiguredLanguageElseTheOneChosenInTheBotElseTheAdminLanguage() {
        String hash = "$2a$10$abcdefghijklmnopqrstuv";
        AdminAccounts accounts = accounts(List.of(
                new AdminProperties.User("cfg", hash, AdminProperties.Role.MANAGER, 4343L, "Cfg", "ru"),
                new AdminProperties.User("linked", hash, AdminProperties.Role.MANAGER, 4344L, "Linked", null),
                new AdminProperties.User("guessed", hash, AdminProperties.Role.MANAGER, 4345L, "Guessed", null)));
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, language_chosen) VALUES (4344, 4344, 'ru', TRUE), (4345, 4345, 'ru', FALSE) ON CONFLICT DO NOTHING").update();
        assertThat(accounts.operator("cfg").language()).isEqualTo("ru");
        assertThat(accounts.operator("linked").language()).isEqualTo("ru");      // chose Russian with /language
        assertThat(accounts.operator("guessed").language()).isEqualTo("en");     // Telegram's guess is not a choice
    }
}
