package io.partnerka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 6's drill: a broadcast to {@code drill-recipients} (10,000) partners; the application (a JVM of its own) is
 * killed with SIGKILL when about {@code drill-kill-at} (40 %) of them have the message, then started again on the
 * same database. Every partner must receive the message exactly once, as counted by the Bot API server. Prints
 * PASS or FAIL.
 */
final class KillDrill {

    private static final long FIRST = 30_000_000;
    static final String TEXT = "<b>Webinar</b> on Thursday at 11:00 — the kill -9 drill";
    private final Bench bench;

    KillDrill(Bench bench) {
        this.bench = bench;
    }

    boolean run() throws Exception {
        String scenario = "drill-kill-9";
        int n = bench.intOption("drill-recipients", 10_000);
        double killAt = bench.doubleOption("drill-kill-at", 0.4);
        String database = "bench_drill";
        String url = bench.db.create(database);
        try (BotApiServer api = BotApiServer.start(16)) {
            List<String> props = new ArrayList<>(Bench.appProperties(url, api));
            props.add("--partnerka.drip.dispatch.every=1h");
            props.add("--partnerka.drip.scan-every=1h");
            props.add("--partnerka.drip.broadcast.every=200ms");
            String limit = bench.option("drill-rate", "");
            if (!limit.isBlank()) {
                props.remove("--partnerka.telegram.rate.enabled=false");
                props.add("--partnerka.telegram.rate.enabled=true");
                props.add("--partnerka.telegram.rate.global-per-second=" + limit);
            }
            int killedAt;
            long queuedAtKill, sentAtKill;
            try (AppProcess first = AppProcess.application(scenario + "-1", AppProcess.freePort(), props, List.of())) {
                first.awaitReady(Duration.ofMinutes(3));
                bench.insertPartners(database, FIRST, n, new long[0]);
                long id = bench.db.queryLong(database, """
                        INSERT INTO drip_broadcast (created_by, audience, text, rsvp, status, total, created_at, confirmed_at)
                        VALUES (900001, 'all', '%s', false, 'QUEUED', %d, now(), now()) RETURNING id""".formatted(TEXT, n));
                bench.db.execute(database, "INSERT INTO drip_broadcast_recipient (broadcast_id, chat_id, user_id) "
                        + "SELECT " + id + ", chat_id, user_id FROM partner WHERE user_id >= " + FIRST);
                Bench.log("broadcast " + id + " to " + n + " queued; killing the application at " + (int) (killAt * 100) + " %");
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (api.messages() < killAt * n && System.nanoTime() < deadline) Thread.sleep(5);
                first.kill9();
                killedAt = (int) api.messages();
                queuedAtKill = bench.db.queryLong(database, "SELECT count(*) FROM drip_broadcast_recipient WHERE status <> 'PENDING'");
                sentAtKill = bench.db.queryLong(database, "SELECT count(*) FROM outbox WHERE status = 'SENT'");
                Bench.log("killed (SIGKILL) with " + killedAt + " received by the server, " + queuedAtKill
                        + " recipients queued, " + sentAtKill + " outbox rows marked sent");
            }
            Thread.sleep(500);
            int afterKill = (int) api.messages();
            try (AppProcess second = AppProcess.application(scenario + "-2", AppProcess.freePort(), props, List.of())) {
                second.awaitReady(Duration.ofMinutes(3));
                Bench.log("started again; waiting for the broadcast to finish (a dead sender's claims come back after their lease)");
                long deadline = System.nanoTime() + Duration.ofMinutes(bench.intOption("drill-timeout-minutes", 4)).toNanos();
                while (System.nanoTime() < deadline) {
                    long open = bench.db.queryLong(database, "SELECT count(*) FROM drip_broadcast_recipient WHERE status = 'PENDING'")
                            + bench.db.queryLong(database, "SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')");
                    if (open == 0 && received(api, n) == n) break;
                    Thread.sleep(500);
                }
                Thread.sleep(2000); // anything still in flight arrives
            }
            int reached = received(api, n);
            long twice = api.messagesByChat().entrySet().stream()
                    .filter(e -> e.getKey() >= FIRST && e.getKey() < FIRST + n && e.getValue().get() > 1).count();
            long extra = api.messagesByChat().entrySet().stream().filter(e -> e.getKey() >= FIRST && e.getKey() < FIRST + n)
                    .mapToLong(e -> Math.max(0, e.getValue().get() - 1)).sum();
            long failed = bench.db.queryLong(database, "SELECT count(*) FROM outbox WHERE status IN ('FAILED', 'DROPPED')");
            boolean pass = reached == n && twice == 0;
            bench.add(scenario, "recipients", n, "");
            bench.add(scenario, "received when killed", killedAt, "");
            bench.add(scenario, "received while the app was dead", afterKill - killedAt, "");
            // delivered to the server, but the process died before the outbox row said so: these are sent again
            bench.add(scenario, "in flight at the kill (received, not recorded)", killedAt - sentAtKill, "");
            bench.addCheck(scenario, "partners who never got it", n - reached, "", "= 0", reached == n);
            bench.addCheck(scenario, "partners who got it twice", twice, "", "= 0", twice == 0);
            bench.add(scenario, "extra messages", extra, "");
            bench.add(scenario, "outbox rows failed or dropped", failed, "");
            System.out.println();
            System.out.printf("DRILL kill -9 in the middle of a %,d-recipient broadcast: %s (killed at %,d received; "
                            + "%,d never got it, %,d got it more than once)%n", n, pass ? "PASS" : "FAIL", killedAt,
                    n - reached, twice);
            return pass;
        }
    }

    private static int received(BotApiServer api, int n) {
        int count = 0;
        for (Map.Entry<Long, AtomicInteger> e : api.messagesByChat().entrySet()) {
            if (e.getKey() >= FIRST && e.getKey() < FIRST + n && e.getValue().get() > 0) count++;
        }
        return count;
    }
}
