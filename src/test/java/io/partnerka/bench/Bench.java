package io.partnerka.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the benchmarks (and the kill -9 drill) against the application started as a JVM of its own, prints a table
 * and writes bench/results/&lt;time&gt;.json. Started by {@code bench/run [drip] [e2e] [drill] [miniapp] [idle] [--key=value...]}.
 */
public final class Bench {

    /** One figure: what was measured, its value, and the target it is held to (if any). */
    record Row(String scenario, String metric, double value, String unit, String target, Boolean ok) {
    }

    final Map<String, String> options = new LinkedHashMap<>();
    final List<Row> rows = new ArrayList<>();
    BenchDatabase db;

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench();
        List<String> scenarios = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                bench.options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            } else {
                scenarios.add(a);
            }
        }
        if (scenarios.isEmpty()) scenarios.addAll(List.of("drip", "e2e", "drill", "miniapp", "idle"));
        int exit = 0;
        long started = System.nanoTime();
        try (BenchDatabase db = BenchDatabase.start(Path.of("target", "bench-postgres"))) {
            bench.db = db;
            for (String s : scenarios) {
                log("=== " + s + " ===");
                switch (s) {
                    case "drip" -> new DripBenchmark(bench).run();
                    case "e2e" -> new EndToEndBenchmark(bench).run();
                    case "miniapp" -> new MiniAppBenchmark(bench).run();
                    case "idle" -> new IdleBenchmark(bench).run();
                    case "drill" -> {
                        if (!new KillDrill(bench).run()) exit = 1;
                    }
                    default -> throw new IllegalArgumentException("unknown scenario " + s + " (drip, e2e, drill, miniapp, idle)");
                }
            }
        } finally {
            bench.report((System.nanoTime() - started) / 1e9);
        }
        System.exit(exit);
    }

    int intOption(String key, int def) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(def)));
    }

    double doubleOption(String key, double def) {
        return Double.parseDouble(options.getOrDefault(key, String.valueOf(def)));
    }

    String option(String key, String def) {
        return options.getOrDefault(key, def);
    }

    void add(String scenario, String metric, double value, String unit) {
        rows.add(new Row(scenario, metric, value, unit, null, null));
    }

    /** A figure with a target: {@code atLeast} true for "≥ target", false for "≤ target". */
    void add(String scenario, String metric, double value, String unit, double target, boolean atLeast) {
        boolean ok = atLeast ? value >= target : value <= target;
        rows.add(new Row(scenario, metric, value, unit, (atLeast ? "≥ " : "≤ ") + fmt(target), ok));
    }

    void addCheck(String scenario, String metric, double value, String unit, String target, boolean ok) {
        rows.add(new Row(scenario, metric, value, unit, target, ok));
    }

    static void log(String s) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + s);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "-";
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return String.format(Locale.ROOT, "%,d", (long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Extra JVM options of a scenario's application: with {@code --jfr}, a profile recording to target/bench-logs/. */
    List<String> profiling(String scenario) {
        List<String> jvm = new ArrayList<>();
        if (options.containsKey("jfr")) {
            jvm.add("-XX:FlightRecorderOptions:stackdepth=256"); // deep enough to see our frames under Hibernate and Jackson
            jvm.add("-XX:StartFlightRecording=filename=target/bench-logs/" + scenario + ".jfr,settings=profile");
        }
        return jvm;
    }

    /** Common properties of the application under test. */
    static List<String> appProperties(String jdbcUrl, BotApiServer api) {
        List<String> p = new ArrayList<>();
        p.add("--spring.datasource.url=" + jdbcUrl);
        p.add("--spring.datasource.username=app");
        p.add("--spring.datasource.password=app");
        p.add("--partnerka.telegram.token=" + BotApiServer.TOKEN);
        p.add("--partnerka.telegram.api-url=" + api.url());
        p.add("--partnerka.default-language=en");
        p.add("--partnerka.training.gate=false");
        p.add("--partnerka.drip.quiet-hours.enabled=false");
        p.add("--partnerka.telegram.rate.enabled=false");
        p.add("--spring.quartz.properties.org.quartz.scheduler.instanceId=bench");
        return p;
    }

    /** Approved partners {@code first..first+n-1} (user id = chat id), their chats, round-robin personal managers. */
    void insertPartners(String database, long first, int n, long[] managers) throws Exception {
        String managerExpr = managers.length == 0 ? "NULL"
                : "(ARRAY[" + String.join(",", java.util.Arrays.stream(managers).mapToObj(String::valueOf).toList())
                + "]::bigint[])[1 + mod(g, " + managers.length + ")]";
        db.execute(database, "INSERT INTO chat (chat_id, user_id, language, first_name) SELECT g, g, 'en', 'P' || g "
                + "FROM generate_series(" + first + "::bigint, " + (first + n - 1) + "::bigint) g ON CONFLICT DO NOTHING");
        db.execute(database, "INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, "
                + "language, manager_id, decided_at) SELECT g, g, 'APPROVED', 'individual', 'Partner ' || g, 'Moscow', "
                + "'+7916' || lpad(mod(g, 10000000)::text, 7, '0'), 'social', 'individual', 'en', " + managerExpr + ", now() "
                + "FROM generate_series(" + first + "::bigint, " + (first + n - 1) + "::bigint) g");
    }

    private void report(double seconds) throws IOException {
        System.out.println();
        String header = String.format(Locale.ROOT, "%-16s %-44s %14s %-8s %-12s %s", "scenario", "metric", "value", "unit", "target", "");
        System.out.println(header);
        System.out.println("-".repeat(header.length() + 4));
        for (Row r : rows) {
            System.out.println(String.format(Locale.ROOT, "%-16s %-44s %14s %-8s %-12s %s", r.scenario(), r.metric(),
                    fmt(r.value()), r.unit(), r.target() == null ? "" : r.target(),
                    r.ok() == null ? "" : r.ok() ? "ok" : "MISSED"));
        }
        System.out.printf(Locale.ROOT, "%n(%.0f s in all)%n", seconds);

        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode json = f.objectNode();
        json.put("at", Instant.now().toString());
        json.put("seconds", Math.round(seconds));
        ObjectNode machine = json.putObject("machine");
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("cpuModel", cpuModel());
        machine.put("memoryMiB", totalMemoryMiB());
        machine.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        machine.put("appJavaOptions", String.join(" ", AppProcess.jvmOptions()));
        machine.put("databaseDurable", BenchDatabase.durable());
        ObjectNode opts = json.putObject("options");
        options.forEach(opts::put);
        ArrayNode results = json.putArray("results");
        for (Row r : rows) {
            ObjectNode o = results.addObject();
            o.put("scenario", r.scenario()).put("metric", r.metric());
            if (Double.isNaN(r.value())) o.putNull("value");
            else o.put("value", r.value());
            o.put("unit", r.unit());
            if (r.target() != null) o.put("target", r.target());
            if (r.ok() != null) o.put("ok", r.ok());
        }
        Path dir = Path.of("bench", "results");
        Files.createDirectories(dir);
        Path file = dir.resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        Files.writeString(file, BotApiServer.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("Results written to " + file);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static long totalMemoryMiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }
}
