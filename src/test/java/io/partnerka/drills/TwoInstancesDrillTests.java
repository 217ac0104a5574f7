package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaApplication;
import io.partnerka.approval.Approvals;
import io.partnerka.conversation.EngineRegistry;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.Deals;
import io.partnerka.telegram.FakeBotApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drill "two instances behind one address": two application instances in webhook mode on one PostgreSQL, a load
 * balancer (this test) spreading Telegram's posts over them — and, as Telegram does after a timeout, posting some
 * updates to both. Two managers approve the same application at the same moment on different instances, a deal is
 * paid twice at once through both instances (CRM events and managers), a broadcast is confirmed on both at once.
 * Exactly one of each happens: one approval, one commission, one broadcast message per partner, one reply per update.
 * (Payouts are a follow-up: the payout module is being built on another branch.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesDrillTests {

    private static final Logger log = LoggerFactory.getLogger(TwoInstancesDrillTests.class);
    static final String SECRET = "two-instances-secret";
    static final String CRM_SECRET = "two-instances-crm";
    static final long M1 = 610, M2 = 620;
    private static EmbeddedPostgres postgres;
    private static FakeBotApi api;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static JdbcClient jdbc;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ExecutorService pool = Executors.newFixedThreadPool(8);
    private static final AtomicLong updateIds = new AtomicLong(20_000_000);

    @BeforeAll
    static void twoInstances() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
        api = FakeBotApi.start();
        // Quartz keeps its data sources JVM-wide by scheduler name, and a cluster shares one name: both instances'
        // schedulers use the pool of the instance started last. A starts last, so B can stop while A goes on.
        b = instance("node-b");
        a = instance("node-a");
        jdbc = a.getBean(JdbcClient.class);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.shutdownNow();
        if (b != null) b.close();
        if (a != null) a.close();
        if (api != null) api.close();
        if (postgres != null) postgres.close();
    }

    private static ConfigurableApplicationContext instance(String name) {
        return new SpringApplicationBuilder(PartnerkaApplication.class).run(
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--partnerka.manager-ids=" + M1 + "," + M2,
                "--partnerka.telegram.token=" + FakeBotApi.TOKEN,
                "--partnerka.telegram.api-url=" + api.url(),
                "--partnerka.telegram.webhook-url=https://bot.example.com/telegram/webhook",
                "--partnerka.telegram.webhook-secret=" + SECRET,
                "--partnerka.telegram.rate.enabled=false",
                "--partnerka.telegram.sweep-interval=300ms",
                "--partnerka.telegram.workers=4",
                "--partnerka.training.gate=false",
                "--partnerka.crm.secret=" + CRM_SECRET,
                "--partnerka.drip.quiet-hours.enabled=false",
                "--partnerka.drip.broadcast.every=250ms",
                "--partnerka.drip.broadcast.batch-size=50",
                "--partnerka.drip.dispatch.every=250ms",
                "--spring.quartz.properties.org.quartz.scheduler.instanceId=" + name,
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=5000");
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    @Order(1)
    void updatesSpreadOverBothAndSomeSentToBoth_eachAnsweredOnceInOrder() throws Exception {
        Random random = new Random(7);
        long firstChat = 31_000;
        int chats = 20;
        String[] script = {"/help", "/menu", "/language", "/cancel", "/help", "/menu"};
        int both = 0;
        for (String command : script) {
            List<Future<Integer>> posts = new ArrayList<>();
            for (long chat = firstChat; chat < firstChat + chats; chat++) {
                String update = FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, command).toString();
                if (random.nextInt(10) < 3) {
                    both++;
                    posts.add(pool.submit(() -> postUpdate(a, update)));
                    posts.add(pool.submit(() -> postUpdate(b, update)));
                } else {
                    ConfigurableApplicationContext to = random.nextBoolean() ? a : b;
                    posts.add(pool.submit(() -> postUpdate(to, update)));
                }
            }
            for (Future<Integer> p : posts) assertThat(p.get()).isEqualTo(200);
        }
        long total = (long) chats * script.length;
        await(() -> count("SELECT count(*) FROM outbox WHERE chat_id BETWEEN ? AND ? AND status = 'SENT'", firstChat, firstChat + chats - 1) >= total,
                Duration.ofSeconds(60), "every reply sent");
        Thread.sleep(500);
        assertThat(count("SELECT count(*) FROM telegram_inbox WHERE chat_id BETWEEN ? AND ?", firstChat, firstChat + chats - 1)).isEqualTo(total);
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id BETWEEN ? AND ?", firstChat, firstChat + chats - 1))
                .as("one reply per update, though %d were posted to both instances", both).isEqualTo(total);
        for (long chat = firstChat; chat < firstChat + chats; chat++) {
            long id = chat;
            List<String> texts = api.answered("sendMessage").stream().filter(c -> c.chatId() == id).map(FakeBotApi.Call::text).toList();
            assertThat(texts).hasSize(script.length);
            assertThat(texts.get(0)).contains("<b>Commands</b>");
            assertThat(texts.get(1)).startsWith("Main menu");
            assertThat(texts.get(2)).isEqualTo("Choose your language:");
            assertThat(texts.get(3)).startsWith("Nothing to cancel");
            assertThat(texts.get(4)).contains("<b>Commands</b>");
            assertThat(texts.get(5)).startsWith("Main menu");
        }
        log.info("Two instances: {} updates answered once each, in order; {} of them were posted to both instances", total, both);
    }

    @Test
    @Order(2)
    void twoManagersApproveTheSameApplicationOnTwoInstancesAtOnce_oneApproval() throws Exception {
        for (long manager : List.of(M1, M2)) chat(manager);
        Approvals approvals = a.getBean(Approvals.class);
        int n = 6;
        List<long[]> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long user = 32_000 + i;
            long partnerId = partner(user, "PENDING_REVIEW");
            items.add(new long[]{approvals.submit("application", partnerId), partnerId, user});
        }
        for (long[] item : items) {
            String data1 = EngineRegistry.sign(a, M1, "ap:" + item[0] + ":ok");
            String data2 = EngineRegistry.sign(a, M2, "ap:" + item[0] + ":ok");
            // both managers at the same moment, on different instances; the first one also double-taps to both
            List<String> presses = List.of(
                    FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, data1, 1).toString(),
                    FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M2, data2, 1).toString(),
                    FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, data1, 1).toString());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> posts = new ArrayList<>();
            posts.add(pool.submit(() -> { go.await(); return postUpdate(a, presses.get(0)); }));
            posts.add(pool.submit(() -> { go.await(); return postUpdate(b, presses.get(1)); }));
            posts.add(pool.submit(() -> { go.await(); return postUpdate(b, presses.get(2)); }));
            go.countDown();
            for (Future<Integer> p : posts) assertThat(p.get()).isEqualTo(200);
        }
        await(() -> count("SELECT count(*) FROM telegram_inbox WHERE processed_at IS NULL") == 0, Duration.ofSeconds(30), "all presses handled");
        for (long[] item : items) {
            assertThat(jdbc.sql("SELECT status FROM approval_item WHERE id = ?").param(item[0]).query(String.class).single()).isEqualTo("APPROVED");
            assertThat(jdbc.sql("SELECT status FROM partner WHERE id = ?").param(item[1]).query(String.class).single()).isEqualTo("APPROVED");
            assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'approval.approved' AND subject = ?", "application#" + item[1]))
                    .as("one decision recorded").isOne();
            assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE '%your application is approved%'", item[2]))
                    .as("the partner is told once").isOne();
        }
    }

    @Test
    @Order(3)
    void aDealPaidTwiceAtOnceThroughBothInstances_commissionOnce() throws Exception {
        long user = 33_000;
        chat(user);
        long partnerId = partner(user, "APPROVED");
        int n = 6;
        List<Long> deals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            deals.add(jdbc.sql("""
                            INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                            VALUES (?, ?, ?, 'accounting', 'contract') RETURNING id""")
                    .params(partnerId, "Client " + i, "+7999000" + String.format("%04d", i)).query(Long.class).single());
        }
        for (long deal : deals) {
            String same = crmEvent("paid-" + deal, deal);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            // the CRM retries an event to the other instance, sends a second event for the same payment, and two
            // managers press "paid" at once: all at the same moment, half on each instance
            calls.add(pool.submit(() -> { go.await(); return postCrm(a, same); }));
            calls.add(pool.submit(() -> { go.await(); return postCrm(b, same); }));
            calls.add(pool.submit(() -> { go.await(); return postCrm(b, crmEvent("paid-again-" + deal, deal)); }));
            calls.add(pool.submit(managerPays(a, deal, M1, go)));
            calls.add(pool.submit(managerPays(b, deal, M2, go)));
            go.countDown();
            for (Future<?> c : calls) c.get();
        }
        for (long deal : deals) {
            assertThat(jdbc.sql("SELECT status FROM deal WHERE id = ?").param(deal).query(String.class).single()).isEqualTo("paid");
            assertThat(count("SELECT count(*) FROM ledger_entry WHERE deal_id = ?", deal)).as("commission of deal %d once", deal).isOne();
            assertThat(count("SELECT count(*) FROM deal_history WHERE deal_id = ? AND to_status = 'paid'", deal)).as("paid once").isOne();
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE '🎉 Client%'", user))
                .as("the partner is told once per deal").isEqualTo(n);
    }

    @Test
    @Order(4)
    void aBroadcastConfirmedOnBothInstancesAtOnce_eachPartnerGetsItOnce() throws Exception {
        int n = 300;
        long first = 34_000;
        jdbc.sql("""
                        INSERT INTO chat (chat_id, user_id, language, language_chosen)
                        SELECT g, g, 'en', true FROM generate_series(?::bigint, ?::bigint) g""").params(first, first + n - 1).update();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, decided_at)
                        SELECT g, g, 'APPROVED', 'company', 'P' || g, 'Moscow', '+79160000000', 'social', 'company', 'en', now()
                        FROM generate_series(?::bigint, ?::bigint) g""").params(first, first + n - 1).update();
        String text = "<b>Webinar</b> on Thursday, drill " + System.nanoTime();
        long id = jdbc.sql("INSERT INTO drip_broadcast (created_by, audience, text, rsvp, created_at) VALUES (?, 'all', ?, false, now()) RETURNING id")
                .params(M1, text).query(Long.class).single();
        String data = EngineRegistry.sign(a, M1, "bcast:send:" + id);
        CountDownLatch go = new CountDownLatch(1);
        String p1 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, data, 1).toString();
        String p2 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, data, 1).toString();
        Future<Integer> one = pool.submit(() -> { go.await(); return postUpdate(a, p1); });
        Future<Integer> two = pool.submit(() -> { go.await(); return postUpdate(b, p2); });
        go.countDown();
        assertThat(one.get()).isEqualTo(200);
        assertThat(two.get()).isEqualTo(200);

        await(() -> "DONE".equals(jdbc.sql("SELECT status FROM drip_broadcast WHERE id = ?").param(id).query(String.class).single())
                && count("SELECT count(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')") == 0, Duration.ofSeconds(60), "the broadcast sent");
        Thread.sleep(500);
        int total = jdbc.sql("SELECT total FROM drip_broadcast WHERE id = ?").param(id).query(Integer.class).single();
        assertThat(total).isGreaterThanOrEqualTo(n);
        assertThat(count("SELECT count(*) FROM outbox WHERE payload->>'text' = ?", text)).as("one message per recipient").isEqualTo(total);
        List<Long> twice = api.answered("sendMessage").stream().filter(c -> text.equals(c.text())).map(FakeBotApi.Call::chatId)
                .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(java.util.Map.Entry::getKey).toList();
        assertThat(twice).as("delivered to nobody twice").isEmpty();
        assertThat(api.answered("sendMessage").stream().filter(c -> text.equals(c.text())).count()).isEqualTo(total);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Callable<Object> managerPays(ConfigurableApplicationContext ctx, long deal, long manager, CountDownLatch go) {
        return () -> {
            go.await();
            try {
                return ctx.getBean(Deals.class).change(deal, new DealChange("paid", new BigDecimal("100000.00"), "RUB", null,
                        false, null, "manager", manager, "Manager " + manager));
            } catch (RuntimeException refused) {
                return refused; // the loser is told the deal changed meanwhile, or nothing changes
            }
        };
    }

    private static void chat(long user) {
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, language_chosen) VALUES (?, ?, 'en', true) ON CONFLICT DO NOTHING")
                .params(user, user).update();
    }

    private static long partner(long user, String status) {
        chat(user);
        return jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, decided_at)
                        VALUES (?, ?, ?, 'individual', ?, 'Moscow', '+79160000000', 'social', 'individual', 'en', now()) RETURNING id""")
                .params(user, user, status, "Partner " + user).query(Long.class).single();
    }

    private static String crmEvent(String eventId, long deal) {
        return "{\"event_id\":\"" + eventId + "\",\"deal_id\":" + deal + ",\"status\":\"paid\",\"amount\":\"100000.00\",\"currency\":\"RUB\"}";
    }

    private static int postUpdate(ConfigurableApplicationContext ctx, String body) throws Exception {
        return post(ctx, "/telegram/webhook", body, "X-Telegram-Bot-Api-Secret-Token", SECRET);
    }

    private static int postCrm(ConfigurableApplicationContext ctx, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(CRM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        int status = post(ctx, "/api/crm/deals/events", body, "X-Partnerka-Signature", signature);
        assertThat(status).as("CRM event answered").isIn(200, 409);
        return status;
    }

    private static int post(ConfigurableApplicationContext ctx, String path, String body, String header, String value) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
                .header("Content-Type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static void await(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not " + what + " within " + timeout);
            Thread.sleep(100);
        }
    }
}
