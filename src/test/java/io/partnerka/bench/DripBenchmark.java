package io.partnerka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 6: {@code drip-partners} (100,000) approved partners whose first onboarding step falls due at one instant.
 * Without the rate limiter: how fast the dispatcher claims due rows and queues them into the outbox, and how fast
 * the messages reach the Bot API server. With the limiter at each of {@code limits} (messages a second): the
 * achieved rate against the configured one, and the 429s the server would have given at that limit.
 */
final class DripBenchmark {

    private static final long FIRST = 20_000_000;
    private final Bench bench;

    DripBenchmark(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        unlimited(bench.intOption("drip-partners", 100_000));
        for (String limit : bench.option("limits", "30,300").split(",")) {
            if (!limit.isBlank()) limited(Double.parseDouble(limit.strip()), bench.intOption("limit-seconds", 20));
        }
    }

    private List<String> dripProperties(String url, BotApiServer api) {
        List<String> p = new ArrayList<>(Bench.appProperties(url, api));
        p.add("--partnerka.drip.dispatch.every=200ms");
        p.add("--partnerka.drip.dispatch.max-run=120s");
        p.add("--partnerka.drip.dispatch.max-outbox-backlog=0");
        p.add("--partnerka.drip.dispatch.batch-size=" + bench.intOption("drip-batch", 500));
        p.add("--partnerka.drip.scan-every=1h");
        p.add("--partnerka.drip.broadcast.every=1h");
        return p;
    }

    /** Partners whose first onboarding step is due in the far future (made due at once later). */
    private void enrol(String database, int n) throws Exception {
        bench.insertPartners(database, FIRST, n, new long[0]);
        bench.db.execute(database, """
                INSERT INTO drip_enrollment (user_id, chat_id, chain_id, occurrence, trigger_name, next_step, due_at,
                                             enrolled_at, updated_at)
                SELECT user_id, chat_id, 'onboarding', 'once', 'approved', 'first-course', now() + interval '10 years', now(), now()
                FROM partner WHERE user_id >= %d""".formatted(FIRST));
        bench.db.execute(database, "ANALYZE");
    }

    private void unlimited(int n) throws Exception {
        String scenario = "drip";
        String database = "bench_drip";
        String url = bench.db.create(database);
        try (BotApiServer api = BotApiServer.start(16);
             AppProcess app = AppProcess.application("drip-unlimited", AppProcess.freePort(), dripProperties(url, api),
                     bench.profiling(scenario))) {
            app.awaitReady(Duration.ofMinutes(3));
            Bench.log("inserting " + n + " enrolled partners");
            enrol(database, n);
            api.resetCounters();
            bench.db.resetStatements(database);
            double cpu0 = app.cpuSeconds(), db0 = bench.db.cpuSeconds();
            Bench.log("making them due at once");
            bench.db.execute(database, "UPDATE drip_enrollment SET due_at = now() WHERE user_id >= " + FIRST);
            long t0 = System.nanoTime();
            long claimedAt = 0;
            long deadline = t0 + Duration.ofMinutes(bench.intOption("drip-timeout-minutes", 4)).toNanos();
            long lastLog = t0;
            while (System.nanoTime() < deadline) {
                long claimed = claimedAt == 0 ? bench.db.queryLong(database, "SELECT count(*) FROM drip_send") : n;
                if (claimedAt == 0 && claimed >= n) claimedAt = System.nanoTime();
                if (claimedAt != 0 && api.messages() >= n) break;
                if (System.nanoTime() - lastLog > 5e9) {
                    Bench.log("claimed " + claimed + ", delivered " + api.messages());
                    lastLog = System.nanoTime();
                }
                Thread.sleep(100);
            }
            long delivered = api.messages();
            long claimedTotal = claimedAt == 0 ? bench.db.queryLong(database, "SELECT count(*) FROM drip_send") : n;
            // on a timeout the rates are those of the part that was done
            double claimSeconds = ((claimedAt == 0 ? System.nanoTime() : claimedAt) - t0) / 1e9;
            double deliverSeconds = ((delivered < n ? System.nanoTime() : api.lastMessageNanos()) - t0) / 1e9;
            double cpu = app.cpuSeconds() - cpu0, dbCpu = bench.db.cpuSeconds() - db0;
            long statements = bench.db.appStatements(database);
            bench.db.dumpStatements(database, java.nio.file.Path.of("target", "bench-logs", scenario + "-statements.tsv"));
            bench.add(scenario, "partners due at once", n, "");
            // issue 14 (on the durable database): 10,000; issue 6 asked 5,000
            bench.add(scenario, "claimed + queued into the outbox", claimedTotal / claimSeconds, "msg/s", 10_000, true);
            bench.add(scenario, "received by the Bot API server (end to end)", delivered / deliverSeconds, "msg/s", 5_000, true);
            bench.addCheck(scenario, "messages received", delivered, "", "= " + n, delivered == n);
            bench.addCheck(scenario, "chats that got more than one", duplicates(api), "", "= 0", duplicates(api) == 0);
            bench.add(scenario, "seconds until all claimed", claimSeconds, "s");
            bench.add(scenario, "seconds until all received", deliverSeconds, "s");
            bench.add(scenario, "DB statements per message", (double) statements / Math.max(1, delivered), "");
            bench.add(scenario, "app CPU (of one core)", 100 * cpu / deliverSeconds, "%");
            bench.add(scenario, "PostgreSQL CPU (of one core)", 100 * dbCpu / deliverSeconds, "%");
            bench.add(scenario, "app peak RSS", app.peakRssMiB(), "MiB");
        }
    }

    private static long duplicates(BotApiServer api) {
        return api.messagesByChat().values().stream().filter(c -> c.get() > 1).count();
    }

    private void limited(double limit, int seconds) throws Exception {
        String scenario = "drip-limit-" + Bench.fmt(limit);
        String database = "bench_drip_limited";
        String url = bench.db.create(database);
        int n = (int) Math.ceil(limit * seconds);
        try (BotApiServer api = BotApiServer.start(16)) {
            List<String> props = dripProperties(url, api);
            props.remove("--partnerka.telegram.rate.enabled=false");
            props.add("--partnerka.telegram.rate.enabled=true");
            props.add("--partnerka.telegram.rate.global-per-second=" + limit);
            props.add("--partnerka.telegram.rate.per-chat-per-second=1");
            props.add("--partnerka.telegram.rate.per-chat-burst=3");
            try (AppProcess app = AppProcess.application(scenario, AppProcess.freePort(), props, List.of())) {
                app.awaitReady(Duration.ofMinutes(3));
                enrol(database, n);
                // wait for the start-up calls (getMe, setMyCommands) to pass, then count at Telegram's limits
                Thread.sleep(1000);
                api.resetCounters();
                api.telegramLimits(limit, 1, 3);
                api.recordMessageTimes(true);
                bench.db.execute(database, "UPDATE drip_enrollment SET due_at = now() WHERE user_id >= " + FIRST);
                long deadline = System.nanoTime() + Duration.ofSeconds((long) (seconds * 2.5) + 60).toNanos();
                while (api.messages() < n && System.nanoTime() < deadline) Thread.sleep(100);
                List<Long> times = api.messageTimes();
                // the bucket starts full (a burst of up to one second's worth), so the rate is taken after 2 s
                long first = times.get(0);
                long from = first + 2_000_000_000L;
                long last = times.get(times.size() - 1);
                List<Long> after = times.stream().filter(t -> t > from).toList();
                double steady = after.size() < 2 ? Double.NaN
                        : (after.size() - 1) / ((after.get(after.size() - 1) - after.get(0)) / 1e9);
                double overall = (times.size() - 1) / ((last - first) / 1e9);
                double deviation = 100 * Math.abs(steady - limit) / limit;
                bench.add(scenario, "configured limit", limit, "msg/s");
                bench.add(scenario, "achieved rate (after the first 2 s)", steady, "msg/s");
                bench.add(scenario, "deviation from the limit", deviation, "%", 5, false);
                bench.add(scenario, "achieved rate (whole run, incl. burst)", overall, "msg/s");
                bench.add(scenario, "429s the server would have given", api.wouldBe429(), "", 0, false);
                bench.addCheck(scenario, "messages received", times.size(), "", "= " + n, times.size() == n);
            }
        }
    }
}
