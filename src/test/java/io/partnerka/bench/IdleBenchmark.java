package io.partnerka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 14, step 6: what the application costs when nothing happens. Started as the other scenarios start it (durable
 * embedded PostgreSQL, long polling against the Bot API server, which holds each getUpdates open and has nothing to
 * give), with its production schedules (drip, sweeps, Quartz) left as they are; after {@code idle-settle} seconds
 * (120: start-up work done, and the JIT's compiling of the periodic work mostly so — 30 s after start it was still
 * half of the application's CPU) the CPU of the application and of PostgreSQL is measured over {@code idle-seconds}, as a share
 * of one core, with the statements and transactions the application ran meanwhile (what keeps it awake).
 */
final class IdleBenchmark {

    private final Bench bench;

    IdleBenchmark(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        String scenario = "idle";
        int settle = bench.intOption("idle-settle", 120);
        int seconds = bench.intOption("idle-seconds", 60);
        String database = "bench_idle";
        try (BotApiServer api = BotApiServer.start(bench.intOption("server-threads", 16))) {
            String url = bench.db.create(database);
            int port = AppProcess.freePort();
            List<String> props = new ArrayList<>(Bench.appProperties(url, api));
            List<String> jvm = bench.profiling(scenario);
            try (AppProcess app = AppProcess.application(scenario, port, props, jvm)) {
                app.awaitReady(Duration.ofMinutes(3));
                Bench.log(scenario + ": started; settling for " + settle + " s");
                Thread.sleep(settle * 1000L);
                bench.db.resetStatements(database);
                api.resetCounters();
                long tx0 = bench.db.transactions(database);
                double cpu0 = app.cpuSeconds(), db0 = bench.db.cpuSeconds();
                java.util.Map<String, Double> threads0 = Procs.threadCpuSeconds(app.pid());
                long t0 = System.nanoTime();
                Bench.log(scenario + ": measuring for " + seconds + " s");
                Thread.sleep(seconds * 1000L);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double cpu = app.cpuSeconds() - cpu0, dbCpu = bench.db.cpuSeconds() - db0;
                // which threads kept it busy, for the log
                ThreadCpu.log(scenario, ThreadCpu.since(threads0, Procs.threadCpuSeconds(app.pid())), elapsed);
                // the driver's own queries below are a transaction each: read the counts first
                long tx = bench.db.transactions(database) - tx0 - 1;
                long statements = bench.db.appStatements(database);
                if (!app.alive()) throw new IllegalStateException(scenario + ": the process died; see " + app.log());
                bench.db.dumpStatements(database, java.nio.file.Path.of("target", "bench-logs", scenario + "-statements.tsv"));

                bench.add(scenario, "app CPU idle (of one core)", 100 * cpu / elapsed, "%", 2, false);
                bench.add(scenario, "PostgreSQL CPU idle (of one core)", 100 * dbCpu / elapsed, "%");
                bench.add(scenario, "app + PostgreSQL CPU idle (of one core)", 100 * (cpu + dbCpu) / elapsed, "%");
                bench.add(scenario, "app DB statements per second", statements / elapsed, "/s");
                bench.add(scenario, "DB transactions per second", tx / elapsed, "/s");
                bench.add(scenario, "getUpdates calls per second", api.calls("getUpdates") / elapsed, "/s");
                bench.add(scenario, "other Bot API calls", api.totalCalls(), "");
                bench.add(scenario, "app peak RSS", app.peakRssMiB(), "MiB", 512, false);
                Bench.log(String.format(java.util.Locale.ROOT, "%s: app %.2f %% of a core, PostgreSQL %.2f %%, %.1f statements/s, "
                        + "%.1f transactions/s over %.0f s", scenario, 100 * cpu / elapsed, 100 * dbCpu / elapsed,
                        statements / elapsed, tx / elapsed, elapsed));
            }
        }
    }
}
