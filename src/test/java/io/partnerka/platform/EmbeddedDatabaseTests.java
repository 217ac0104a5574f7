package io.partnerka.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL as the application runs it outside tests: fsync and synchronous commit on, and nobody in
 * without the password kept (0600) in the data directory. Read back from the server itself.
 */
class EmbeddedDatabaseTests {

    @TempDir
    Path tmp;

    @Test
    void durableByDefault_andNobodyGetsInWithoutThePassword() throws Exception {
        Path dir = tmp.resolve("postgres");
        String password;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false, true)) {
            password = db.password();
            Path file = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
            assertThat(Files.readString(file).strip()).isEqualTo(password);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);

            try (Connection c = connect(db, "postgres", password)) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "full_page_writes")).isEqualTo("on");
                assertThat(query(c, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'")).startsWith("SCRAM-SHA-256$");
                assertThat(query(c, "SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules"))
                        .isEqualTo("scram-sha-256");
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE kept (v text)");
                    s.execute("INSERT INTO kept VALUES ('committed')");
                }
            }
            assertThatThrownBy(() -> connect(db, "postgres", "wrong-password").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            assertThatThrownBy(() -> connect(db, "postgres", null).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            // another role, no password, through the same door: refused as well
            assertThatThrownBy(() -> connect(db, "anybody", "x").close()).isInstanceOf(SQLException.class);
        }

        // the next start on the same directory: the same password, the data kept; durability is the switch's
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false, false); Connection c = connect(db, "postgres", password)) {
            assertThat(db.password()).isEqualTo(password);
            assertThat(query(c, "SELECT v FROM kept")).isEqualTo("committed");
            assertThat(show(c, "fsync")).isEqualTo("off");
            assertThat(show(c, "synchronous_commit")).isEqualTo("off");
        }

        // the password file lost: a clear refusal at once, not a minute of waiting
        Files.delete(dir.resolve(EmbeddedDatabase.PASSWORD_FILE));
        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, false, true))
                .isInstanceOf(EmbeddedDatabaseException.class).hasMessageContaining(EmbeddedDatabase.PASSWORD_FILE);
    }

    @Test
    void aDataDirectoryFromBeforePasswordsIsSwitchedOverAtTheNextStart() throws Exception {
        Path dir = tmp.resolve("old");
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
             Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('from before')");
        }
        assertThat(EmbeddedDatabase.trusts(dir)).isTrue();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, false, true)) {
            assertThat(EmbeddedDatabase.trusts(dir)).isFalse();
            assertThat(Files.readString(dir.resolve(EmbeddedDatabase.PASSWORD_FILE)).strip()).isEqualTo(db.password());
            try (Connection c = connect(db, "postgres", db.password())) {
                assertThat(query(c, "SELECT v FROM kept")).isEqualTo("from before");
            }
            assertThatThrownBy(() -> connect(db, "postgres", "wrong-password").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    private static Connection connect(EmbeddedDatabase db, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        return DriverManager.getConnection(db.jdbcUrl("postgres"), props);
    }

    private static String show(Connection c, String setting) throws SQLException {
        return query(c, "SHOW " + setting);
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
