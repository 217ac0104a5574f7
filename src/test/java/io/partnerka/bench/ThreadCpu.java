package io.partnerka.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The application's CPU by kind of thread (Linux thread names), to tell the work from the JVM's own. */
final class ThreadCpu {

    static final String JIT = "JIT compilers";

    private ThreadCpu() {
    }

    /** CPU seconds each kind of thread used between two {@link Procs#threadCpuSeconds} snapshots. */
    static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((thread, cpu) -> out.merge(kind(thread), cpu - before.getOrDefault(thread, 0.0), Double::sum));
        return out;
    }

    /** "C2 CompilerThre/123" → JIT; "telegram-worker-3/456" → "telegram-worker-#". */
    static String kind(String thread) {
        String name = thread.substring(0, thread.lastIndexOf('/'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) return JIT;
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) return "GC";
        return name.replaceAll("[0-9]+$", "#");
    }

    static void log(String scenario, Map<String, Double> byKind, double seconds) {
        Map<String, Double> top = new LinkedHashMap<>();
        byKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        StringBuilder line = new StringBuilder(scenario + ": CPU by thread (% of a core):");
        top.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.1f;", k, 100 * v / seconds)));
        Bench.log(line.toString());
    }
}
