package io.partnerka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Issue 8: {@code partners} (10,000) partners each walk the submit-a-client flow while {@code managers} managers move
 * every {@code paid-every}-th new deal to paid, against the application as a JVM of its own. Runs:
 * <ul>
 *   <li>long polling, everyone at once (saturation): the throughput, compared with the echo ceiling;</li>
 *   <li>long polling and webhook, partners starting at {@code rate} a second (an open load of about six times that
 *       in updates a second): latency from an update being offered to the first reply;</li>
 *   <li>the echo bot (same server, TelegramBots long polling and OkHttpTelegramClient, one sendMessage per
 *       update), everyone at once: the ceiling.</li>
 * </ul>
 */
final class EndToEndBenchmark {

    private static final long FIRST_PARTNER = 1_000_000;
    private static final long FIRST_MANAGER = 900_001;
    /** Partners from FIRST_PARTNER + WARM_UP_OFFSET - warm-up on warm the application up. */
    private static final int WARM_UP_OFFSET = 100_000;
    /**
     * Journeys everyone at once before a run. Code run once a journey (the submission, the manager's card) reaches C2's
     * thresholds (5,000-15,000 calls) only after several thousand journeys: with 3,000, the JIT compiled it during the
     * measured seconds, a third of a core. A bot that has run for a while has it compiled.
     */
    private static final int DEFAULT_WARM_UP = 10_000;
    private final Bench bench;

    EndToEndBenchmark(Bench bench) {
        this.bench = bench;
    }

    private enum Mode { POLLING, WEBHOOK, ECHO }

    /**
     * Updates waiting for an answer from which a run counts as saturated: the bot has work queued, and the pace is its
     * own, not the people's (each journey sends its next update when it reads the answer to the last one).
     */
    static final int SATURATED_BACKLOG = 100;

    private record Outcome(double updatesPerSecond, int updates, double seconds, boolean complete) {
    }

    void run() throws Exception {
        int partners = bench.intOption("partners", 10_000);
        int pacedPartners = bench.intOption("paced-partners", 3_000);
        double rate = bench.doubleOption("rate", 150);
        List<String> runs = List.of(bench.option("e2e-runs", "echo,polling-all,polling-paced,webhook-paced").split(","));
        Outcome echo = null, saturated = null;
        for (String r : runs) {
            switch (r.strip()) {
                case "echo" -> echo = run("e2e-echo", Mode.ECHO, partners, 0);
                case "polling-all" -> saturated = run("e2e-polling-all", Mode.POLLING, partners, 0);
                case "polling-paced" -> run("e2e-polling", Mode.POLLING, pacedPartners, rate);
                case "webhook-paced" -> run("e2e-webhook", Mode.WEBHOOK, pacedPartners, rate);
                case "webhook-all" -> run("e2e-webhook-all", Mode.WEBHOOK, partners, 0);
                default -> throw new IllegalArgumentException("unknown e2e run " + r);
            }
        }
        if (echo != null && saturated != null) {
            bench.add("e2e", "bot throughput / echo ceiling", 100 * saturated.updatesPerSecond() / echo.updatesPerSecond(),
                    "%", 40, true); // issue 14: at least 40 % of the echo ceiling
        }
    }

    private Outcome run(String scenario, Mode mode, int partners, double partnersPerSecond) throws Exception {
        int managers = mode == Mode.ECHO ? 0 : bench.intOption("managers", 10);
        int paidEvery = bench.intOption("paid-every", 10);
        long[] managerIds = new long[managers];
        for (int i = 0; i < managers; i++) managerIds[i] = FIRST_MANAGER + i;
        String database = "bench_" + scenario.replace('-', '_');
        try (BotApiServer api = BotApiServer.start(bench.intOption("server-threads", 16))) {
            AppProcess app;
            if (mode == Mode.ECHO) {
                app = AppProcess.driverClass(scenario, EchoBot.class, List.of(api.url(), String.valueOf(bench.intOption("echo-threads", 8))));
                app.awaitLog("ECHO READY", Duration.ofMinutes(1));
            } else {
                String url = bench.db.create(database);
                int port = AppProcess.freePort();
                List<String> props = new ArrayList<>(Bench.appProperties(url, api));
                props.add("--partnerka.manager-ids=" + String.join(",", java.util.Arrays.stream(managerIds).mapToObj(String::valueOf).toList()));
                props.add("--partnerka.drip.dispatch.every=1h");
                props.add("--partnerka.drip.scan-every=1h");
                props.add("--partnerka.drip.broadcast.every=1h");
                if (mode == Mode.WEBHOOK) {
                    props.add("--partnerka.telegram.webhook-url=http://127.0.0.1:" + port + "/telegram/webhook");
                    props.add("--partnerka.telegram.webhook-secret=" + BotApiServer.WEBHOOK_SECRET);
                }
                List<String> jvm = bench.profiling(scenario);
                app = AppProcess.application(scenario, port, props, jvm);
                app.awaitReady(Duration.ofMinutes(3));
                bench.insertPartners(database, FIRST_PARTNER, partners, managerIds);
                int warmUpPartners = bench.intOption("warm-up", DEFAULT_WARM_UP) + pacedWarmUp(partnersPerSecond);
                if (warmUpPartners > 0) {
                    bench.insertPartners(database, FIRST_PARTNER + WARM_UP_OFFSET - warmUpPartners, warmUpPartners, managerIds);
                }
                bench.db.execute(database, "ANALYZE");
                if (mode == Mode.WEBHOOK) api.webhook(app.baseUrl() + "/telegram/webhook", bench.intOption("webhook-connections", 40));
            }
            try (app) {
                Thread.sleep(1000); // start-up calls (getMe, setMyCommands, deleteWebhook/setWebhook) pass
                int warmUp = bench.intOption("warm-up", DEFAULT_WARM_UP), paced = pacedWarmUp(partnersPerSecond);
                if (warmUp + paced > 0 && warmUp + paced <= WARM_UP_OFFSET - partners) {
                    // the JIT compiles the hot paths first: everyone at once, the managers paying as in the run, then
                    // for a paced run a minute at its pace, whose paths (updates processed on receipt, one at a time)
                    // the JIT otherwise compiles during the measured minute; the managers' flows end before measuring
                    long first = FIRST_PARTNER + WARM_UP_OFFSET - warmUp - paced;
                    if (warmUp > 0) warmUp(mode, api, app, database, first + paced, warmUp, 0, paidEvery, managerIds);
                    if (paced > 0) warmUp(mode, api, app, database, first, paced, partnersPerSecond, paidEvery, managerIds);
                    // the statistics autovacuum keeps on a database in use: the ANALYZE above saw empty tables, and
                    // plans made then (a seq scan of the inbox for a chat's open updates) would stay cached
                    if (mode != Mode.ECHO) bench.db.execute(database, "ANALYZE");
                    if (mode != Mode.ECHO) jitSettles(scenario, app, bench.intOption("jit-settle", 120));
                    api.resetCounters();
                }
                return load(scenario, mode, api, app, database, partners, partnersPerSecond, managerIds, paidEvery);
            }
        }
    }

    /** Partners {@code paced-warm-up} seconds' worth at the run's pace (none for a run with everyone at once). */
    private int pacedWarmUp(double partnersPerSecond) {
        return partnersPerSecond > 0 ? (int) Math.round(partnersPerSecond * bench.intOption("paced-warm-up", 60)) : 0;
    }

    /**
     * Partners after the measured ones walk the journey, all at once ({@code perSecond} 0) or at a pace, while managers
     * move every {@code paidEvery}-th deal to paid; not measured. Ends when every journey and payment is done.
     */
    private void warmUp(Mode mode, BotApiServer api, AppProcess app, String database, long firstId, int n, double perSecond,
                        int paidEvery, long[] managerIds) throws InterruptedException, java.sql.SQLException {
        Journeys journeys = new Journeys(api, paidEvery);
        if (mode != Mode.ECHO && paidEvery < Integer.MAX_VALUE) for (long m : managerIds) journeys.addManager(m);
        api.listener(journeys);
        Bench.log("warming up with " + n + " journeys" + (perSecond > 0 ? ", " + perSecond + " starting a second" : " at once"));
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (perSecond > 0) {
                long wait = start + (long) (i * 1e9 / perSecond) - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long id = firstId + i;
            journeys.start(id, mode == Mode.ECHO ? Journeys.echo(id) : Journeys.submitClient(id));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while ((journeys.journeysDone.get() < n || journeys.paysDone.get() < journeys.paysQueued.get())
                && System.nanoTime() < deadline && app.alive()) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // the last replies (menus, managers' cards) go out
        if (mode == Mode.ECHO) return;
        // and the managers' cards queued behind each other (thousands after a long warm-up), with the payments they
        // bring: left over, they were sent and paid during the measured run, the warm-up's work counted as the run's
        deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long open;
        while ((open = bench.db.queryLong(database, "SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')")) > 0
                || journeys.paysDone.get() < journeys.paysQueued.get()) {
            if (System.nanoTime() > deadline || !app.alive()) {
                Bench.log("warm-up: " + open + " messages still unsent after 3 minutes");
                break;
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits (at most {@code maxSeconds}) until the JIT has compiled what the warm-up made hot: its compilers below 5 %
     * of a core over 5 s. Minutes after start they still took half of the application's CPU at the everyday pace, a
     * cost of starting that a bot running for days does not pay per update.
     */
    private static void jitSettles(String scenario, AppProcess app, int maxSeconds) throws InterruptedException {
        long start = System.nanoTime();
        double jit = Double.NaN;
        while ((System.nanoTime() - start) / 1e9 < maxSeconds) {
            var before = Procs.threadCpuSeconds(app.pid());
            Thread.sleep(5_000);
            jit = ThreadCpu.since(before, Procs.threadCpuSeconds(app.pid())).getOrDefault(ThreadCpu.JIT, 0.0) / 5;
            if (jit < 0.05) break;
        }
        Bench.log(String.format(java.util.Locale.ROOT, "%s: JIT compilers at %.1f %% of a core after %.0f s of settling",
                scenario, 100 * jit, (System.nanoTime() - start) / 1e9));
    }

    private Outcome load(String scenario, Mode mode, BotApiServer api, AppProcess app, String database, int partners,
                         double partnersPerSecond, long[] managerIds, int paidEvery) throws Exception {
        Journeys journeys = new Journeys(api, paidEvery);
        for (long m : managerIds) journeys.addManager(m);
        api.listener(journeys);
        boolean withDb = mode != Mode.ECHO;
        if (withDb) bench.db.resetStatements(database);
        long tx0 = withDb ? bench.db.transactions(database) : 0;
        double cpu0 = app.cpuSeconds(), db0 = withDb ? bench.db.cpuSeconds() : 0;
        double self0 = Procs.cpuSeconds(ProcessHandle.current().pid());
        java.util.Map<String, Double> threads0 = Procs.threadCpuSeconds(app.pid());
        LongFunction<List<Journeys.Step>> journey = mode == Mode.ECHO ? Journeys::echo : Journeys::submitClient;
        Bench.log(scenario + ": " + partners + " partners" + (partnersPerSecond > 0 ? ", " + partnersPerSecond + " starting a second" : " at once"));
        Progress progress = new Progress(scenario, journeys, app, threads0);
        Saturation saturation = new Saturation(journeys);
        long start = System.nanoTime();
        for (int i = 0; i < partners; i++) {
            if (partnersPerSecond > 0) {
                long due = start + (long) (i * 1e9 / partnersPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                progress.maybeLog();
            }
            // the journey by the chat id, as in the warm-up: its client phone must not be the partner's own
            journeys.start(FIRST_PARTNER + i, journey.apply(FIRST_PARTNER + i));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(bench.intOption("e2e-timeout-minutes", 4)).toNanos();
        boolean complete = false;
        while (System.nanoTime() < deadline) {
            if (!app.alive()) throw new IllegalStateException(scenario + ": the process died; see " + app.log());
            if (journeys.journeysDone.get() == partners && journeys.paysDone.get() == journeys.paysQueued.get()) {
                complete = true;
                break;
            }
            progress.maybeLog();
            saturation.sample();
            Thread.sleep(50);
        }
        long end = complete ? journeys.lastDoneNanos.get() : System.nanoTime();
        double seconds = (end - journeys.firstUpdateNanos.get()) / 1e9;
        int updates = journeys.updatesSent.get();
        double ups = updates / seconds;
        double cpu = app.cpuSeconds() - cpu0;
        double dbCpu = withDb ? bench.db.cpuSeconds() - db0 : Double.NaN;
        double self = Procs.cpuSeconds(ProcessHandle.current().pid()) - self0;
        java.util.Map<String, Double> byThread = ThreadCpu.since(threads0, Procs.threadCpuSeconds(app.pid()));
        double jit = byThread.getOrDefault(ThreadCpu.JIT, 0.0);
        Journeys.Latencies lat = journeys.latencies();

        bench.addCheck(scenario, "journeys completed", journeys.journeysDone.get(), "", "= " + partners, complete);
        if (mode != Mode.ECHO) bench.add(scenario, "deals moved to paid by managers", journeys.paysDone.get(), "");
        bench.add(scenario, "updates", updates, "");
        if (partnersPerSecond > 0) {
            bench.add(scenario, "updates/s", ups, "upd/s");
        } else {
            // everyone at once: the run ends with a tail in which only the managers pay for the cards that reached
            // them (one payment at a time each, a few round trips a payment), so the whole run's rate says as much
            // about how many cards arrived before the end as about the bot; the rate while saturated is its capacity
            ups = saturation.updatesPerSecond();
            bench.add(scenario, "updates/s, whole run", updates / seconds, "upd/s");
            bench.add(scenario, "seconds saturated (≥ " + SATURATED_BACKLOG + " updates waiting)", saturation.seconds(), "s");
            if (mode == Mode.ECHO) {
                bench.add(scenario, "updates/s while saturated", ups, "upd/s");
            } else {
                bench.add(scenario, "updates/s while saturated", ups, "upd/s", 1_000, true);
            }
        }
        bench.add(scenario, "latency p50", lat.percentileMs(50), "ms");
        bench.add(scenario, "latency p95", lat.percentileMs(95), "ms");
        if (mode != Mode.ECHO && partnersPerSecond > 0) {
            bench.add(scenario, "latency p99", lat.percentileMs(99), "ms", 50, false);
        } else {
            bench.add(scenario, "latency p99", lat.percentileMs(99), "ms");
        }
        Journeys.Latencies managers = journeys.managerReplies();
        if (managerIds.length > 0) {
            // issue 14 counts them: a manager's answer must not wait behind the cards queued in their chat
            bench.add(scenario, "managers' updates", managers.count(), "");
            bench.add(scenario, "managers' own replies p50", managers.percentileMs(50), "ms");
            if (partnersPerSecond > 0) {
                bench.add(scenario, "managers' own replies p99", managers.percentileMs(99), "ms", 50, false);
            } else {
                bench.add(scenario, "managers' own replies p99", managers.percentileMs(99), "ms");
            }
        }
        bench.add(scenario, "Bot API calls per update", (double) api.totalCalls() / updates, "");
        BotApiServer.Polls polls = api.polls();
        if (polls.answers() > 0) {
            // how updates arrived: a batch of more than the workers (8) is recorded for them instead of processed at once
            bench.add(scenario, "getUpdates answers with updates", polls.answers(), "");
            bench.add(scenario, "updates an answer", polls.meanSize(), "");
            bench.add(scenario, "updates in answers of more than 8", 100 * polls.shareInAnswersOver(8), "%");
            bench.add(scenario, "poller's turn after an answer p50", polls.turnPercentileMs(50), "ms");
            bench.add(scenario, "poller's turn after an answer p99", polls.turnPercentileMs(99), "ms");
        }
        if (withDb) {
            long statements = bench.db.appStatements(database);
            bench.db.dumpStatements(database, java.nio.file.Path.of("target", "bench-logs", scenario + "-statements.tsv"));
            long tx = bench.db.transactions(database) - tx0;
            bench.add(scenario, "DB statements per update", (double) statements / updates, "");
            bench.add(scenario, "DB transactions per update", (double) tx / updates, "");
            bench.add(scenario, "PostgreSQL CPU (of one core)", 100 * dbCpu / seconds, "%");
        }
        bench.add(scenario, (mode == Mode.ECHO ? "echo" : "app") + " CPU (of one core)", 100 * cpu / seconds, "%");
        if (mode != Mode.ECHO) {
            // the JIT compiles the hot paths during the first minutes after start: a cost of starting, not of an update
            bench.add(scenario, "app CPU per update", 1000 * cpu / updates, "ms");
            bench.add(scenario, "JIT compilers' CPU (of one core)", 100 * jit / seconds, "%");
            if (partnersPerSecond > 0) {
                bench.add(scenario, "app CPU per update, JIT compiling aside", 1000 * (cpu - jit) / updates, "ms", 3, false);
            } else {
                bench.add(scenario, "app CPU per update, JIT compiling aside", 1000 * (cpu - jit) / updates, "ms");
            }
            ThreadCpu.log(scenario, byThread, seconds);
        }
        bench.add(scenario, "driver + Bot API server CPU (of one core)", 100 * self / seconds, "%");
        if (mode == Mode.ECHO) {
            bench.add(scenario, "echo peak RSS", app.peakRssMiB(), "MiB");
        } else {
            bench.add(scenario, "app peak RSS", app.peakRssMiB(), "MiB", 512, false);
        }
        Bench.log(String.format(java.util.Locale.ROOT, "%s: %d updates in %.1f s = %.0f/s (%.0f/s while saturated, %.1f s), "
                        + "p50 %.1f ms, p99 %.1f ms, managers' own replies p99 %.1f ms", scenario, updates, seconds,
                updates / seconds, saturation.updatesPerSecond(), saturation.seconds(), lat.percentileMs(50),
                lat.percentileMs(99), managers.percentileMs(99)));
        return new Outcome(ups, updates, seconds, complete);
    }

    /**
     * Answers counted while at least {@link #SATURATED_BACKLOG} updates wait for one, sampled every 50 ms: the
     * rate at which the bot answers when it has more work than it can do at once.
     */
    private static final class Saturation {
        private final Journeys journeys;
        private long lastNanos = System.nanoTime();
        private int lastAnswered;
        private boolean lastSaturated;
        private long nanos;
        private int answered;

        Saturation(Journeys journeys) {
            this.journeys = journeys;
        }

        void sample() {
            long now = System.nanoTime();
            int answeredNow = journeys.updatesAnswered.get();
            if (lastSaturated) {
                nanos += now - lastNanos;
                answered += answeredNow - lastAnswered;
            }
            lastSaturated = journeys.updatesSent.get() - answeredNow >= SATURATED_BACKLOG;
            lastNanos = now;
            lastAnswered = answeredNow;
        }

        double seconds() {
            return nanos / 1e9;
        }

        double updatesPerSecond() {
            return nanos == 0 ? Double.NaN : answered / seconds();
        }
    }

    /** A line every 5 s: how far the run is, and the app's CPU since the last line with the JIT's part of it. */
    private static final class Progress {
        private final String scenario;
        private final Journeys journeys;
        private final AppProcess app;
        private java.util.Map<String, Double> lastThreads;
        private long lastLog = System.nanoTime();

        Progress(String scenario, Journeys journeys, AppProcess app, java.util.Map<String, Double> threads) {
            this.scenario = scenario;
            this.journeys = journeys;
            this.app = app;
            this.lastThreads = threads;
        }

        void maybeLog() {
            if (System.nanoTime() - lastLog < 5e9) return;
            java.util.Map<String, Double> now = Procs.threadCpuSeconds(app.pid());
            java.util.Map<String, Double> since = ThreadCpu.since(lastThreads, now);
            double seconds = (System.nanoTime() - lastLog) / 1e9;
            double all = since.values().stream().mapToDouble(Double::doubleValue).sum();
            Bench.log(String.format(java.util.Locale.ROOT, "%s: %d journeys done, %d/%d payments, %d updates; app CPU %.0f %% of a core, JIT %.0f %%",
                    scenario, journeys.journeysDone.get(), journeys.paysDone.get(), journeys.paysQueued.get(),
                    journeys.updatesSent.get(), 100 * all / seconds, 100 * since.getOrDefault(ThreadCpu.JIT, 0.0) / seconds));
            lastThreads = now;
            lastLog = System.nanoTime();
        }
    }
}
