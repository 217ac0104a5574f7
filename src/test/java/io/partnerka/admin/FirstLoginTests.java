package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The generated admin of a start without configured users, over real HTTP: its password is in a 0600 file and not in
 * the log; the first login leads to the password page and nothing else of /admin opens until the password is
 * replaced; then the old password fails, the new one works, the file is gone, and a session opened with the old
 * password is over.
 */
@PartnerkaTest
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FirstLoginTests {

    static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("partnerka-first-login");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void noUsers(DynamicPropertyRegistry registry) {
        registry.add("partnerka.admin.users", () -> "");
        registry.add("partnerka.admin.generated-password-file", () -> DATA_DIR.resolve("admin-password").toString());
    }

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;

    @Test
    void theGeneratedPasswordIsInAnOwnerOnlyFileNotInTheLogAndMustBeReplacedAtTheFirstLogin(CapturedOutput output) throws Exception {
        Path file = DATA_DIR.resolve("admin-password");
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String generated = Files.readString(file).strip();
        assertThat(generated).hasSize(20);
        assertThat(output.getAll()).as("the start's log says where the password is, never the password")
                .contains(file.toString()).doesNotContain(generated);

        // the login leads to the password page, and so does every other page until the password is replaced
        WebClient admin = new WebClient(port);
        HttpResponse<String> login = admin.login("admin", generated);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/admin/password");
        for (String page : new String[]{"/admin", "/admin/approvals", "/admin/partners", "/admin/users", "/admin/audit", "/admin/dashboard"}) {
            HttpResponse<String> r = admin.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(page).endsWith("/admin/password");
        }
        HttpResponse<String> pause = admin.postForm("/admin/password", "/admin/drip/chains/onboarding/pause", Map.of());
        assertThat(pause.headers().firstValue("Location").orElseThrow()).endsWith("/admin/password");
        assertThat(jdbc.sql("SELECT count(*) FROM drip_chain_state WHERE paused").query(Integer.class).single()).isZero();
        HttpResponse<String> page = admin.get("/admin/password");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"must-change\"").contains("name=\"repeat\"");

        // someone else who read the file too
        WebClient other = new WebClient(port);
        other.login("admin", generated);

        // refused: too short, the same, a wrong current password; nothing changes
        String fresh = "correct-horse-battery-staple";
        HttpResponse<String> tooShort = admin.postForm("/admin/password", "/admin/password",
                Map.of("current", generated, "password", "short", "repeat", "short"));
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(tooShort.body()).contains("at least 12");
        assertThat(admin.postForm("/admin/password", "/admin/password",
                Map.of("current", generated, "password", generated, "repeat", generated)).statusCode()).isEqualTo(400);
        assertThat(admin.postForm("/admin/password", "/admin/password",
                Map.of("current", "not-the-password", "password", fresh, "repeat", fresh)).statusCode()).isEqualTo(400);
        assertThat(file).exists();

        HttpResponse<String> changed = admin.postForm("/admin/password", "/admin/password",
                Map.of("current", generated, "password", fresh, "repeat", fresh));
        assertThat(changed.statusCode()).isEqualTo(302);
        assertThat(changed.headers().firstValue("Location").orElseThrow()).endsWith("/admin");
        assertThat(file).as("the generated password is not kept once replaced").doesNotExist();
        HttpResponse<String> dashboard = admin.get("/admin");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Your password was changed.");
        assertThat(admin.get("/admin/users").statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'admin.password-changed'").query(Integer.class).single()).isOne();

        // the session opened with the generated password is over
        HttpResponse<String> stale = other.get("/admin");
        assertThat(stale.statusCode()).isEqualTo(302);
        assertThat(stale.headers().firstValue("Location").orElseThrow()).contains("/admin/login");
        assertThat(other.get("/admin").headers().firstValue("Location").orElseThrow()).endsWith("/admin/login");

        // the old password fails, the new one opens the back office directly
        HttpResponse<String> old = new WebClient(port).login("admin", generated);
        assertThat(old.headers().firstValue("Location").orElseThrow()).endsWith("/admin/login?error");
        WebClient again = new WebClient(port);
        HttpResponse<String> ok = again.login("admin", fresh);
        assertThat(ok.headers().firstValue("Location").orElseThrow()).endsWith("/admin");
        assertThat(again.get("/admin/partners").statusCode()).isEqualTo(200);
        assertThat(output.getAll()).doesNotContain(generated).doesNotContain(fresh);
    }
}
