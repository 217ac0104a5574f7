package io.partnerka.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A JVM of its own (the application, or the echo bot), so its RSS and CPU are its own and it can be killed with
 * SIGKILL. Output goes to a log file under target/bench-logs.
 */
final class AppProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    /** Whatever the driver started dies with it, even when a scenario failed half-way. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    private AppProcess(String name, Process process, int port, Path log) {
        STARTED.add(process);
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** JVM options of the application (and the echo bot): BENCH_APP_JAVA_OPTS, default a 256 MiB heap. */
    static List<String> jvmOptions() {
        String opts = System.getenv().getOrDefault("BENCH_APP_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC");
        return Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The Partnerka application with these command-line properties (--key=value). */
    static AppProcess application(String name, int port, List<String> properties, List<String> extraJvm) throws IOException {
        List<String> args = new ArrayList<>(properties);
        args.add("--server.port=" + port);
        String cp = System.getProperty("bench.app.classpath");
        if (cp == null) throw new IllegalStateException("-Dbench.app.classpath is not set (run bench/run)");
        return start(name, cp, "io.partnerka.PartnerkaApplication", args, extraJvm, port);
    }

    /** A main class of the benchmark itself (the echo bot), on the driver's classpath. */
    static AppProcess driverClass(String name, Class<?> main, List<String> args) throws IOException {
        return start(name, System.getProperty("java.class.path"), main.getName(), args, List.of(), -1);
    }

    private static AppProcess start(String name, String classpath, String main, List<String> args, List<String> extraJvm,
                                    int port) throws IOException {
        Path logs = Path.of("target", "bench-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(extraJvm);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File("."));
        // as in the Docker image: glibc's per-thread malloc arenas otherwise add tens of MiB of RSS under load
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        // with a bot token the app runs in production mode, which refuses to start without a requisites key
        builder.environment().putIfAbsent("PARTNERKA_REQUISITES_KEY", "YmVuY2gtcmVxdWlzaXRlcy1rZXktMDEyMzQ1Njc4OWE=");
        Process p = builder.start();
        return new AppProcess(name, p, port, log);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until /actuator/health answers UP. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
    }

    /** Waits until the log contains {@code text}. */
    void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) return;
            if (!process.isAlive()) throw new IllegalStateException(name + " exited; see " + log);
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + ": no '" + text + "' in the log within " + timeout + "; see " + log);
    }

    double cpuSeconds() {
        return Procs.cpuSeconds(pid());
    }

    double peakRssMiB() {
        return Procs.peakRssMiB(pid());
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy(); // SIGTERM: Spring closes gracefully
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
