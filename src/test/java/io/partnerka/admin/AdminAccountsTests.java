package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnerka.PartnerkaTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.TestPropertySource;

/** Users from configuration, and the admin generated on a first start without any: printed once, hash kept. */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
@ExtendWith(OutputCaptureExtension.class)
class AdminAccountsTests {

    private static final Pattern PRINTED = Pattern.compile("generated password: (\\S+)");

    @Autowired JdbcClient jdbc;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private AdminAccounts accounts(List<AdminProperties.User> users) {
        return new AdminAccounts(new AdminProperties(users, List.of(), "en", new AdminProperties.Login(5, 20, java.time.Duration.ofMinutes(5))), jdbc);
    }

    @AfterEach
    void forgetTheGeneratedAdmin() {
        jdbc.sql("DELETE FROM admin_generated_login").update();
    }

    @Test
    void withoutConfiguredUsersTheFirstStartPrintsAGeneratedPasswordOnce(CapturedOutput output) {
        jdbc.sql("DELETE FROM admin_generated_login").update();
        AdminAccounts first = accounts(List.of());
        first.afterSingletonsInstantiated();
        Matcher m = PRINTED.matcher(output.getOut());
        assertThat(m.find()).as("the password is printed").isTrue();
        String password = m.group(1);
        assertThat(password).hasSize(20);
        assertThat(encoder.matches(password, first.loadUserByUsername("admin").getPassword())).isTrue();
        assertThat(jdbc.sql("SELECT password_hash FROM admin_generated_login").query(String.class).single())
                .startsWith("{bcrypt}").doesNotContain(password);

        // a restart (or a second instance) uses the stored hash and prints nothing
        AdminAccounts again = accounts(List.of());
        again.afterSingletonsInstantiated();
        assertThat(output.getOut().split(Pattern.quote(password), -1)).hasSize(2);
        assertThat(encoder.matches(password, again.loadUserByUsername("admin").getPassword())).isTrue();
        assertThat(again.operator("admin").isAdmin()).isTrue();
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
