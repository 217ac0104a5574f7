package io.partnerka.drills;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The application as a child JVM (what an operator runs), so a drill can kill it with SIGKILL: the compiled classes
 * and the runtime classpath of this test run, without the test classes, configured by environment variables only.
 */
final class AppProcess implements AutoCloseable {

    /** base64 of 32 bytes, as `openssl rand -base64 32` makes them */
    static final String TEST_REQUISITES_KEY = "ZHJpbGwtcmVxdWlzaXRlcy1rZXktMDEyMzQ1Njc4OWE=";

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AppProcess start(String name, Map<String, String> env, String... args) throws IOException {
        return start(name, List.of("-Xmx384m"), entry -> true, env, args);
    }

    /** @param jvm JVM options such as the heap size */
    static AppProcess start(String name, List<String> jvm, Map<String, String> env, String... args) throws IOException {
        return start(name, jvm, entry -> true, env, args);
    }

    /** With only the classpath entries {@code keep} accepts (e.g. a build without the PostgreSQL binaries). */
    static AppProcess start(String name, Predicate<String> keep, Map<String, String> env, String... args) throws IOException {
        return start(name, List.of("-Xmx384m"), keep, env, args);
    }

    private static AppProcess start(String name, List<String> jvm, Predicate<String> keep, Map<String, String> env,
                                    String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvm);
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classpath(keep), "io.partnerka.PartnerkaApplication"));
        command.addAll(Arrays.asList(args));
        Path dir = Path.of("target", "drills");
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // production mode (a token) needs a requisites key; a drill may bring its own
        builder.environment().put("PARTNERKA_REQUISITES_KEY", TEST_REQUISITES_KEY);
        builder.environment().putAll(env);
        return new AppProcess(builder.start(), log);
    }

    /** target/classes and the dependencies, never target/test-classes (its beans are not the app's). */
    private static String classpath(Predicate<String> keep) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').endsWith("target/test-classes") && !e.contains("surefire"))
                .filter(keep)
                .collect(Collectors.joining(File.pathSeparator));
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful anything. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("pid " + pid() + " survived SIGKILL");
    }

    Path log() {
        return log;
    }

    /** Waits for the process to end by itself; its exit code, or empty if it still runs. */
    java.util.OptionalInt exitWithin(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
