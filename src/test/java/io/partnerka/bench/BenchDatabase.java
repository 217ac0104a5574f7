package io.partnerka.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The benchmark's PostgreSQL: the same embedded server the application uses without configuration, started by the
 * driver (so it outlives a killed application and its CPU is measured apart), with pg_stat_statements to count the
 * statements the application sends. Each scenario gets a database of its own, owned by the role {@code app}.
 */
final class BenchDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private BenchDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Durable by default, as the application's own embedded database runs outside tests (fsync and synchronous commit
     * on): the figures are those of a setup that keeps what it acknowledged. PARTNERKA_EMBEDDED_DB_DURABLE=false is
     * the "fast" variant (zonky's defaults: fsync off, asynchronous commit), for comparing with older results.
     */
    static BenchDatabase start(Path dir) throws IOException, SQLException {
        Files.createDirectories(dir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track", "all");
        if (durable()) {
            builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        EmbeddedPostgres pg = builder.start();
        BenchDatabase db = new BenchDatabase(pg, dir);
        try (Connection c = db.admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app LOGIN PASSWORD 'app'");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        return db;
    }

    static boolean durable() {
        return !"false".equalsIgnoreCase(System.getenv().getOrDefault("PARTNERKA_EMBEDDED_DB_DURABLE", "true").strip());
    }

    /** A fresh database for one scenario. */
    String create(String name) throws SQLException {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name + " OWNER app");
        }
        return url(name);
    }

    String url(String name) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name;
    }

    /** A superuser connection to a database (the driver's, not counted as the application's). */
    Connection admin(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "postgres");
    }

    /** Statements the application (role app) ran in this database since the last reset, BEGIN not counted. */
    long appStatements(String database) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
                WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'app')
                  AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND upper(query) NOT LIKE 'BEGIN%'""")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Committed plus rolled back transactions of the database so far. */
    long transactions(String database) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The application's statements by total time, for target/bench-logs (what to look at when a figure is missed). */
    void dumpStatements(String database, java.nio.file.Path file) {
        StringBuilder out = new StringBuilder();
        try (Connection c = admin(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows,
                       regexp_replace(query, '\\s+', ' ', 'g')
                FROM pg_stat_statements
                WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'app')
                  AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC LIMIT 60""")) {
            out.append("calls\ttotal_ms\tmean_ms\trows\tquery\n");
            while (rs.next()) {
                out.append(rs.getLong(1)).append('\t').append(rs.getString(2)).append('\t').append(rs.getString(3))
                        .append('\t').append(rs.getLong(4)).append('\t').append(rs.getString(5)).append('\n');
            }
            Files.writeString(file, out);
        } catch (SQLException | IOException e) {
            System.err.println("cannot dump statements: " + e);
        }
    }

    void resetStatements(String database) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    long queryLong(String database, String sql) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String database, String sql) throws SQLException {
        try (Connection c = admin(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** CPU seconds of all server processes (postmaster and backends) so far. */
    double cpuSeconds() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
            double total = Procs.cpuSeconds(postmaster);
            for (long child : Procs.children(postmaster)) total += Procs.cpuSeconds(child);
            return total;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
