package io.partnerka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.partnerka.telegram.FakeBotApi;
import io.partnerka.testing.InitData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Issue 13: the Mini App's API under an open load, and the weight of the page's first load.
 * <p>
 * Seeding: {@code miniapp-partners} approved partners are rows (as in the other scenarios); everything else goes
 * through the application's real paths: each partner submits {@code miniapp-clients} clients over
 * {@code POST /app/api/clients}, a manager moves one of them to paid and one to "in progress" over
 * {@code /app/api/deals/{id}/move}, the partner sends requisites ({@code /app/api/requisites}) that the manager
 * approves in the Mini App queue, then requests a payout (every other one approved, the rest stay in the queue), and
 * {@code miniapp-invitees} people a partner open the bot with the partner's referral link (a {@code /start ref_…}
 * update through the fake Bot API). initData is signed with the bot token the application runs with
 * ({@link InitData}, written independently of the application's signer).
 * <p>
 * Load: open loop. Request i is due at {@code start + i / rate} and is sent then whatever happened to the earlier
 * ones; its latency is measured from that due time (no coordinated omission: a stalled server or a late driver shows
 * up in the figures). The mix is what the page asks for when partners and managers open its views, plus a small share
 * of writes (a partner submits a client). Any answer but 2xx, and a timeout, is an error.
 */
final class MiniAppBenchmark {

    private static final long FIRST_PARTNER = 3_000_000;
    private static final long FIRST_MANAGER = 2_900_001;
    private static final long FIRST_INVITEE = 3_500_000;
    private static final String SCENARIO = "miniapp";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String CARD = "{\"method\":\"card\",\"account\":\"4111 1111 1111 1111\",\"legalName\":\"Partner %d\",\"currency\":\"RUB\"}";

    private final Bench bench;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger phones = new AtomicInteger();
    private String base;

    MiniAppBenchmark(Bench bench) {
        this.bench = bench;
    }

    /** One kind of request in the mix: its weight, who sends it, and how. */
    private record Kind(String name, int weight, boolean manager, boolean write) {
    }

    private static final List<Kind> MIX = List.of(
            new Kind("GET /me", 18, false, false),
            new Kind("GET /home", 12, false, false),
            new Kind("GET /clients", 18, false, false),
            new Kind("GET /payouts", 12, false, false),
            new Kind("GET /training", 8, false, false),
            new Kind("GET /invitations", 8, false, false),
            new Kind("GET /kb?q=", 4, false, false),
            new Kind("GET /me (manager)", 4, true, false),
            new Kind("GET /queue", 6, true, false),
            new Kind("GET /deals/board", 6, true, false),
            new Kind("POST /clients", 4, false, true));

    void run() throws Exception {
        int partners = bench.intOption("miniapp-partners", 200);
        int managers = bench.intOption("miniapp-managers", 3);
        long[] managerIds = new long[managers];
        for (int i = 0; i < managers; i++) managerIds[i] = FIRST_MANAGER + i;
        String database = "bench_miniapp";
        try (BotApiServer api = BotApiServer.start(bench.intOption("server-threads", 16))) {
            String url = bench.db.create(database);
            int port = AppProcess.freePort();
            List<String> props = new ArrayList<>(Bench.appProperties(url, api));
            props.add("--partnerka.manager-ids=" + String.join(",", Arrays.stream(managerIds).mapToObj(String::valueOf).toList()));
            props.add("--partnerka.drip.dispatch.every=1h");
            props.add("--partnerka.drip.scan-every=1h");
            props.add("--partnerka.drip.broadcast.every=1h");
            List<String> jvm = bench.profiling(SCENARIO);
            try (AppProcess app = AppProcess.application(SCENARIO, port, props, jvm)) {
                app.awaitReady(Duration.ofMinutes(3));
                base = app.baseUrl();
                bench.insertPartners(database, FIRST_PARTNER, partners, managerIds);
                Users users = new Users(partners, managerIds);
                seed(api, database, users);
                bench.db.execute(database, "ANALYZE");
                pageWeight();
                load(app, database, users);
            }
        }
    }

    // ---- who -------------------------------------------------------------------------------------------------------

    /** Everyone's {@code Authorization} header, signed once (initData stays valid for 24 h, as Telegram's does). */
    private static final class Users {
        final String[] partners;
        final String[] managers;

        Users(int partners, long[] managerIds) {
            this.partners = new String[partners];
            for (int i = 0; i < partners; i++) {
                this.partners[i] = InitData.header(BotApiServer.TOKEN, FIRST_PARTNER + i, "Partner", "en");
            }
            this.managers = new String[managerIds.length];
            for (int i = 0; i < managerIds.length; i++) this.managers[i] = InitData.header(BotApiServer.TOKEN, managerIds[i], "Manager", "en");
        }
    }

    // ---- seeding ---------------------------------------------------------------------------------------------------

    private void seed(BotApiServer api, String database, Users users) throws Exception {
        int clientsEach = bench.intOption("miniapp-clients", 5);
        int invitees = bench.intOption("miniapp-invitees", 2);
        int n = users.partners.length;
        String manager = users.managers[0];
        long t0 = System.nanoTime();
        Bench.log("miniapp: seeding " + n + " partners × " + clientsEach + " clients, requisites, payouts, " + invitees + " invitees each");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int i = p;
                work.add(pool.submit(() -> {
                    String auth = users.partners[i];
                    List<Long> deals = new ArrayList<>();
                    for (int c = 0; c < clientsEach; c++) deals.add(expect(post("/app/api/clients", auth, newClient()), 201).get("id").asLong());
                    if (deals.size() > 0) {
                        expect(post("/app/api/deals/" + deals.get(0) + "/move", manager,
                                "{\"status\":\"paid\",\"amount\":\"100000\",\"currency\":\"RUB\",\"comment\":\"Paid in full\"}"), 200);
                    }
                    if (deals.size() > 1) {
                        expect(post("/app/api/deals/" + deals.get(1) + "/move", manager, "{\"status\":\"in_progress\",\"comment\":\"Called\"}"), 200);
                    }
                    expect(post("/app/api/requisites", auth, CARD.formatted(i)), 202);
                    String link = expect(get("/app/api/invitations", auth), 200).get("link").asText();
                    String payload = link.substring(link.indexOf("start=") + 6);
                    for (int k = 0; k < invitees; k++) {
                        long invitee = FIRST_INVITEE + (long) i * invitees + k;
                        api.push(FakeBotApi.textUpdate(invitee * 10 + 1, invitee, "/start " + payload));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
            int approved = approveAll(manager, "requisites", Integer.MAX_VALUE);
            work.clear();
            boolean withMoney = clientsEach > 0;
            for (int p = 0; withMoney && p < n; p++) {
                int i = p;
                work.add(pool.submit(() -> expect(post("/app/api/payouts", users.partners[i],
                        "{\"amount\":\"5000.00\",\"key\":\"bench-payout-" + i + "\"}"), 201)));
            }
            for (Future<?> f : work) f.get();
            int payoutsApproved = approveAll(manager, "payout", n / 2);
            long touched = waitFor(database, "SELECT count(*) FROM first_touch", (long) n * invitees, Duration.ofMinutes(2));
            Bench.log(String.format(Locale.ROOT, "miniapp: seeded in %.0f s: %d requisites and %d payouts approved, %d invitees arrived",
                    (System.nanoTime() - t0) / 1e9, approved, payoutsApproved, touched));
            bench.add(SCENARIO, "seeded: partners", n, "");
            bench.add(SCENARIO, "seeded: deals", bench.db.queryLong(database, "SELECT count(*) FROM deal"), "");
            bench.add(SCENARIO, "seeded: payout requests", bench.db.queryLong(database, "SELECT count(*) FROM payout"),
                    "");
            bench.add(SCENARIO, "seeded: invitees", touched, "");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Approves pending queue items of one kind through the Mini App until none is left (or {@code max}). */
    private int approveAll(String manager, String kind, int max) throws Exception {
        int done = 0;
        while (done < max) {
            JsonNode items = expect(get("/app/api/queue", manager), 200).get("items");
            int before = done;
            for (JsonNode item : items) {
                if (done >= max) break;
                if (!kind.equals(item.get("kind").asText())) continue;
                expect(post("/app/api/queue/" + item.get("id").asLong() + "/approve", manager, null), 200);
                done++;
            }
            if (done == before) break;
        }
        return done;
    }

    private long waitFor(String database, String countSql, long expected, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        long n;
        while ((n = bench.db.queryLong(database, countSql)) < expected && System.nanoTime() < end) Thread.sleep(200);
        return n;
    }

    private String newClient() {
        int i = phones.incrementAndGet();
        // +7 926 …: Russian mobile numbers, distinct from the partners' own (+7 916 …)
        return "{\"name\":\"Client Number" + Journeys.toLetters(i) + "\",\"phone\":\"+7926" + String.format(Locale.ROOT, "%07d", i)
                + "\",\"product\":\"accounting\",\"comment\":\"from the benchmark\"}";
    }


    private HttpResponse<String> get(String path, String auth) throws IOException, InterruptedException {
        return http.send(request(path, auth, null).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String auth, String body) throws IOException, InterruptedException {
        return http.send(request(path, auth, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String auth, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Authorization", auth);
        if (body == null) return path.contains("/approve") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode expect(HttpResponse<String> r, int status) throws IOException {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
                    + " (expected " + status + "): " + r.body());
        }
        return BotApiServer.JSON.readTree(r.body());
    }

    // ---- the page's weight -----------------------------------------------------------------------------------------

    private static final Pattern SCRIPT = Pattern.compile("<script[^>]*\\ssrc=\"([^\"]+)\"");
    private static final Pattern STYLE = Pattern.compile("<link[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"|<link[^>]*href=\"([^\"]+)\"[^>]*rel=\"stylesheet\"");

    /**
     * GET /app as a browser's first visit (nothing cached): the page and every script and style it names, bodies as
     * they come over the wire, with and without {@code Accept-Encoding: gzip}. Telegram's own telegram-web-app.js
     * (from telegram.org, cached by the Telegram client across all Mini Apps) is not ours and is left out.
     */
    private void pageWeight() throws Exception {
        for (boolean gzip : new boolean[]{false, true}) {
            String how = gzip ? "gzip accepted" : "identity";
            HttpResponse<byte[]> page = fetch("/app", gzip);
            if (page.statusCode() != 200) throw new IllegalStateException("GET /app answered " + page.statusCode());
            boolean pageCompressed = page.headers().firstValue("Content-Encoding").isPresent();
            String html = new String(pageCompressed ? gunzip(page.body()) : page.body(), StandardCharsets.UTF_8);
            List<String> assets = new ArrayList<>();
            List<String> external = new ArrayList<>();
            for (Pattern p : List.of(SCRIPT, STYLE)) {
                Matcher m = p.matcher(html);
                while (m.find()) {
                    String src = m.group(1) != null ? m.group(1) : m.group(2);
                    (src.startsWith("http://") || src.startsWith("https://") || src.startsWith("//") ? external : assets).add(src);
                }
            }
            long assetBytes = 0, assetGzipped = 0;
            boolean compressed = pageCompressed;
            Map<String, Long> each = new TreeMap<>();
            for (String a : assets) {
                HttpResponse<byte[]> r = fetch(a.replace("&amp;", "&"), gzip);
                if (r.statusCode() != 200) throw new IllegalStateException("GET " + a + " answered " + r.statusCode());
                boolean enc = r.headers().firstValue("Content-Encoding").isPresent();
                compressed |= enc;
                assetBytes += r.body().length;
                assetGzipped += enc ? r.body().length : gzip(r.body()).length;
                each.put(a.replaceAll("\\?.*", ""), (long) r.body().length);
            }
            Bench.log("miniapp: first load (" + how + "): page " + page.body().length + " B, " + each + "; not ours, not counted: " + external
                    + (gzip ? "; the server " + (compressed ? "compressed" : "did not compress") + " the answers" : ""));
            bench.add(SCENARIO, "first load: script + style (" + how + ")", assetBytes / 1024.0, "KB", 150, false);
            bench.add(SCENARIO, "first load: page + script + style (" + how + ")", (assetBytes + page.body().length) / 1024.0, "KB");
            if (gzip && !compressed) {
                bench.add(SCENARIO, "first load: script + style if gzip-compressed", assetGzipped / 1024.0, "KB");
            }
        }
    }

    private HttpResponse<byte[]> fetch(String path, boolean gzip) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
        if (gzip) b.header("Accept-Encoding", "gzip");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    // ---- load ------------------------------------------------------------------------------------------------------

    /** One request's outcome: latency from its due time, in nanoseconds; status 0 for a timeout or a broken call. */
    private record Outcome(int kind, long latencyNanos, int status) {
    }

    private void load(AppProcess app, String database, Users users) throws Exception {
        double rate = bench.doubleOption("miniapp-rate", 200);
        int seconds = bench.intOption("miniapp-seconds", 30);
        int warmUp = bench.intOption("miniapp-warm-up", 20);
        if (warmUp > 0) {
            Bench.log("miniapp: warming up, " + warmUp + " s at " + rate + " req/s (not measured)");
            openLoop(users, rate, warmUp, new Random(1));
        }
        bench.db.resetStatements(database);
        long tx0 = bench.db.transactions(database);
        double cpu0 = app.cpuSeconds(), db0 = bench.db.cpuSeconds(), self0 = Procs.cpuSeconds(ProcessHandle.current().pid());
        Bench.log("miniapp: " + seconds + " s at " + rate + " req/s, open loop");
        Run run = openLoop(users, rate, seconds, new Random(2));
        double wall = run.wallSeconds;
        double cpu = app.cpuSeconds() - cpu0, dbCpu = bench.db.cpuSeconds() - db0;
        double self = Procs.cpuSeconds(ProcessHandle.current().pid()) - self0;

        List<Outcome> all = run.outcomes;
        long errors = all.stream().filter(o -> o.status() < 200 || o.status() > 299).count();
        double p99 = percentileMs(all, 99, -1);
        bench.add(SCENARIO, "requests (" + seconds + " s)", all.size(), "");
        bench.add(SCENARIO, "offered rate", rate, "req/s");
        bench.add(SCENARIO, "achieved rate (sent on schedule)", run.sent / run.sendSeconds, "req/s", rate * 0.99, true);
        bench.add(SCENARIO, "achieved rate (answered)", all.size() / wall, "req/s");
        bench.add(SCENARIO, "latency p50", percentileMs(all, 50, -1), "ms");
        bench.add(SCENARIO, "latency p95", percentileMs(all, 95, -1), "ms");
        boolean atTarget = rate >= 200;
        bench.addCheck(SCENARIO, "latency p99 (target at 200 req/s)", p99, "ms", "≤ 50 at 200/s", p99 <= 50 && atTarget && errors == 0);
        bench.add(SCENARIO, "latency max", percentileMs(all, 100, -1), "ms");
        bench.addCheck(SCENARIO, "errors (non-2xx, timeouts)", errors, "", "= 0", errors == 0);
        for (int k = 0; k < MIX.size(); k++) {
            int kind = k;
            long count = all.stream().filter(o -> o.kind() == kind).count();
            bench.add(SCENARIO, "p99 " + MIX.get(k).name() + " (" + count + ")", percentileMs(all, 99, k), "ms");
        }
        long statements = bench.db.appStatements(database);
        bench.db.dumpStatements(database, java.nio.file.Path.of("target", "bench-logs", SCENARIO + "-statements.tsv"));
        bench.add(SCENARIO, "DB statements per request", (double) statements / all.size(), "");
        bench.add(SCENARIO, "DB transactions per request", (double) (bench.db.transactions(database) - tx0) / all.size(), "");
        bench.add(SCENARIO, "app CPU (of one core)", 100 * cpu / wall, "%");
        bench.add(SCENARIO, "PostgreSQL CPU (of one core)", 100 * dbCpu / wall, "%");
        bench.add(SCENARIO, "driver CPU (of one core)", 100 * self / wall, "%");
        bench.add(SCENARIO, "app peak RSS", app.peakRssMiB(), "MiB");
        StringBuilder errorsByStatus = new StringBuilder();
        all.stream().filter(o -> o.status() < 200 || o.status() > 299)
                .collect(java.util.stream.Collectors.groupingBy(o -> MIX.get(o.kind()).name() + " → " + (o.status() == 0 ? "no answer in 10 s" : o.status()), TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .forEach((k, v) -> errorsByStatus.append(' ').append(k).append(" ×").append(v));
        Bench.log(String.format(Locale.ROOT, "miniapp: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors%s",
                all.size(), percentileMs(all, 50, -1), p99, percentileMs(all, 100, -1), errors, errorsByStatus));
    }

    private record Run(List<Outcome> outcomes, int sent, double sendSeconds, double wallSeconds) {
    }

    /**
     * Sends request i at {@code start + i / rate} (asynchronously, so a slow answer delays nothing that follows) for
     * {@code seconds}, then waits for the answers (each at most {@link #TIMEOUT}).
     */
    private Run openLoop(Users users, double rate, int seconds, Random random) throws Exception {
        int total = (int) Math.round(rate * seconds);
        int weights = MIX.stream().mapToInt(Kind::weight).sum();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong lastAnswer = new AtomicLong();
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>(total);
        long start = System.nanoTime() + 10_000_000;
        for (int i = 0; i < total; i++) {
            int pick = random.nextInt(weights), k = 0;
            while (pick >= MIX.get(k).weight()) pick -= MIX.get(k++).weight();
            Kind kind = MIX.get(k);
            String auth = kind.manager() ? users.managers[random.nextInt(users.managers.length)]
                    : users.partners[random.nextInt(users.partners.length)];
            HttpRequest request = loadRequest(kind, auth, random).build();
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            int kindIndex = k;
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((r, failure) -> {
                long now = System.nanoTime();
                lastAnswer.accumulateAndGet(now, Math::max);
                outcomes.add(new Outcome(kindIndex, now - due, failure == null ? r.statusCode() : 0));
                return null;
            }));
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        for (var f : pending) f.join();
        return new Run(new ArrayList<>(outcomes), total, Math.max(sendSeconds, (total - 1) / rate), (lastAnswer.get() - start) / 1e9);
    }

    private HttpRequest.Builder loadRequest(Kind kind, String auth, Random random) {
        String path = switch (kind.name()) {
            case "GET /me", "GET /me (manager)" -> "/app/api/me";
            case "GET /home" -> "/app/api/home";
            case "GET /clients" -> "/app/api/clients";
            case "GET /payouts" -> "/app/api/payouts";
            case "GET /training" -> "/app/api/training";
            case "GET /invitations" -> "/app/api/invitations";
            case "GET /kb?q=" -> "/app/api/kb?q=" + List.of("commission", "payout", "client", "requisites").get(random.nextInt(4));
            case "GET /queue" -> "/app/api/queue";
            case "GET /deals/board" -> "/app/api/deals/board";
            case "POST /clients" -> "/app/api/clients";
            default -> throw new IllegalArgumentException(kind.name());
        };
        return request(path, auth, kind.write() ? newClient() : null);
    }

    /** The p-th percentile of one kind's latencies (all kinds: -1), in milliseconds. */
    private static double percentileMs(List<Outcome> outcomes, double p, int kind) {
        long[] sorted = outcomes.stream().filter(o -> kind < 0 || o.kind() == kind).mapToLong(Outcome::latencyNanos).sorted().toArray();
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
        return sorted[i] / 1e6;
    }
}
