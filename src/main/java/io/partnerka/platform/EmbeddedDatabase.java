package io.partnerka.platform;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of the zero-configuration mode, fit for real data:
 * <ul>
 * <li><b>durable</b> (default): fsync and synchronous commit on. zonky starts the server with {@code -F} and
 * {@code synchronous_commit=off} (right for tests); our {@code -c fsync=on} comes after {@code -F} on the command
 * line, and later settings win. Tests turn it off ({@code partnerka.embedded-db.durable=false});</li>
 * <li><b>password authentication</b> (scram-sha-256) for the superuser, with a random password made at initdb and
 * kept in {@value #PASSWORD_FILE} in the data directory (0600): zonky's initdb takes {@code --auth} and
 * {@code --pwfile} through its "locale" options, which it passes to initdb as {@code --key=value} after its own
 * {@code -A trust}. A data directory made by an older version (trust) is switched over in place at the next start;</li>
 * <li><b>back after kill -9</b>: the server a killed application left running on the data directory is found and
 * shut down (fast, nothing committed lost) before this one starts ({@link OrphanedServer}).</li>
 * </ul>
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String SUPERUSER = "postgres";
    /** The superuser's password, in the PostgreSQL data directory: it goes (and is backed up) with the data. */
    static final String PASSWORD_FILE = "partnerka-db-password";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final String password;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String password, Path dataDir) {
        this.postgres = postgres;
        this.password = password;
        this.dataDir = dataDir;
    }

    static EmbeddedDatabase start(Path dir, boolean clean, boolean durable) throws IOException {
        requireBinaries();
        Path dataDir = dir.toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        OrphanedServer.stopIfAny(dataDir);

        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        boolean fresh = clean || !Files.exists(dataDir.resolve("postgresql.conf"));
        String password;
        Path initPassword = null;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(clean)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("max_connections", "200")
                // Spring closes the server after everything that uses it; the library's own JVM hook would race that
                .setRegisterShutdownHook(false);
        if (fresh) {
            password = newPassword();
            // beside the data directory (initdb wants it empty), moved into it once initdb is done
            initPassword = dataDir.resolveSibling("." + dataDir.getFileName() + ".initdb-password");
            writeSecret(initPassword, password);
            Path made = initPassword;
            builder.setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", made.toString())
                    .setDataDirectoryCustomizer(d -> moveSecret(made, passwordFile));
        } else if (Files.exists(passwordFile)) {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } else if (trusts(dataDir)) {
            password = newPassword(); // an older data directory without passwords: switched over once started
        } else {
            throw new EmbeddedDatabaseException("The embedded PostgreSQL in " + dataDir + " requires a password, but its"
                    + " password file " + passwordFile + " is missing.",
                    "Restore " + PASSWORD_FILE + " from a backup of the data directory (it must be readable by this"
                            + " user only: chmod 600), or point PARTNERKA_DATA_DIR at another directory.");
        }
        builder.setConnectConfig("password", password);
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } finally {
            if (initPassword != null) Files.deleteIfExists(initPassword);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, password, dataDir);
        try {
            if (trusts(dataDir)) database.requirePasswords(passwordFile);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e instanceof IOException io ? io : new IOException("Cannot switch the embedded PostgreSQL to passwords", e);
        }
        log.info("Embedded PostgreSQL started on port {} with data in {} ({}, password authentication, password in {})",
                postgres.getPort(), dataDir, durable ? "durable: fsync and synchronous commit on"
                        : "NOT durable: fsync and synchronous commit off", passwordFile);
        return database;
    }

    String password() {
        return password;
    }

    int port() {
        return postgres.getPort();
    }

    Path dataDir() {
        return dataDir;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * A data directory made before passwords (initdb -A trust): the password file first, then the role's password
     * (hashed by the driver, never sent or logged in clear), then pg_hba.conf, then a reload. Each step can be
     * repeated, so a crash half-way is finished at the next start.
     */
    private void requirePasswords(Path passwordFile) throws IOException, SQLException {
        log.warn("The embedded PostgreSQL in {} let anyone on this machine in without a password (trust); switching it"
                + " to password authentication, password in {}", dataDir, passwordFile);
        if (!Files.exists(passwordFile)) writeSecret(passwordFile, password);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password)) {
            c.unwrap(PGConnection.class).alterUserPassword(SUPERUSER, password.toCharArray(), "scram-sha-256");
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                    # written by Partnerka: every connection needs the password (see partnerka-db-password)
                    # TYPE  DATABASE        USER            ADDRESS                 METHOD
                    local   all             all                                     scram-sha-256
                    host    all             all             127.0.0.1/32            scram-sha-256
                    host    all             all             ::1/128                 scram-sha-256
                    local   replication     all                                     scram-sha-256
                    host    replication     all             127.0.0.1/32            scram-sha-256
                    host    replication     all             ::1/128                 scram-sha-256
                    """, StandardCharsets.UTF_8);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
            }
        }
    }

    /** pg_hba.conf lets someone in without a password. */
    static boolean trusts(Path dataDir) throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        if (!Files.exists(hba)) return false;
        for (String line : Files.readAllLines(hba, StandardCharsets.UTF_8)) {
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("#")) continue;
            for (String field : rule.split("\\s+")) if (field.equalsIgnoreCase("trust")) return true;
        }
        return false;
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A file only this user can read (0600 where the file system knows POSIX permissions), written whole or not at all. */
    static void writeSecret(Path file, String secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void moveSecret(Path from, Path to) {
        try {
            if (Files.exists(from)) Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot keep the database password in " + to, e);
        }
    }

    /** This build carries PostgreSQL binaries for this system (the Docker image carries none). */
    private static void requireBinaries() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.contains("win") ? "Windows" : os.contains("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch", "");
        String hardware = "amd64".equals(arch) ? "x86_64" : arch;
        try (InputStream binaries = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, hardware)) {
            if (binaries != null) return;
        } catch (IOException | RuntimeException e) {
            // missing: reported below
        }
        throw new EmbeddedDatabaseException("No database is configured (SPRING_DATASOURCE_URL is not set) and this build"
                + " carries no embedded PostgreSQL binaries for " + system + " " + arch + ".",
                "Set SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD to a PostgreSQL"
                        + " database (the Docker image is built without embedded binaries: use docker-compose.yml), or run"
                        + " a build made on this kind of system without -Dno-embedded-db (./mvnw spring-boot:run).");
    }
}
