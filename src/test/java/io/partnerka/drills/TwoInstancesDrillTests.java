package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.partnerka.PartnerkaApplication;
import io.partnerka.approval.Approvals;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.EngineRegistry;
import io.partnerka.conversation.UserError;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.Deals;
import io.partnerka.payout.PayoutRequest;
import io.partnerka.payout.PayoutView;
import io.partnerka.payout.Payouts;
import io.partnerka.telegram.FakeBotApi;
import io.partnerka.testing.InitData;
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
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * paid twice at once through both instances (CRM events and managers), a broadcast is confirmed on both at once, a
 * payout's confirm button is pressed on both, two confirm screens together overdraw, two managers approve and mark
 * the payout paid on both. Exactly one of each happens: one approval, one commission, one broadcast message per
 * partner, one payout request per button, one PAID and one settle per payout, one reply per update. Last, one manager
 * decides the same application or payout, and pays the same deal, at the same moment in the Mini App (A), the bot
 * (B's webhook) and the web app's API (A or B): one decision, one audit entry, one message to the partner, and the
 * two that lose are told it was decided already (409, or a message in the chat).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesDrillTests {

    private static final Logger log = LoggerFactory.getLogger(TwoInstancesDrillTests.class);
    static final String SECRET = "two-instances-secret";
    static final String CRM_SECRET = "two-instances-crm";
    static final String API_TOKEN = "two-instances-admin-api-token";
    static final long M1 = 610, M2 = 620;
    /** Races of the Mini App, the bot and the web app: rounds, and how long the HTTP calls wait after the bot's post. */
    static final int ROUNDS = 5;
    static final long[] HTTP_LAG_MS = {0, 0, 10, 30, 80};
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
                "--partnerka.requisites.key=" + AppProcess.TEST_REQUISITES_KEY,
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
                // the admin web app's API, acting as manager M1 (the same person as in the bot and the Mini App)
                "--partnerka.admin.api-tokens[0].name=drill",
                "--partnerka.admin.api-tokens[0].token=" + API_TOKEN,
                "--partnerka.admin.api-tokens[0].telegram-id=" + M1,
                // the drill reads what the bot said from the outbox: keep it (production drops it once sent)
                "--partnerka.retention.delivered-content=1h",
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

    /** The managers' chats, an approved partner and approved card requisites (sealed value not needed here). */
    private long partnerWithRequisites(long user, String masked) {
        for (long manager : List.of(M1, M2)) chat(manager);
        long partnerId = partner(user, "APPROVED");
        jdbc.sql("""
                        INSERT INTO requisites (partner_id, version, method, account_cipher, account_masked, account_fingerprint,
                                                legal_name, currency, status, decided_at)
                        VALUES (?, 1, 'card', 'sealed', ?, 'fingerprint', ?, 'RUB', 'APPROVED', now())""")
                .params(partnerId, masked, "Partner " + user).update();
        return partnerId;
    }

    @Test
    @Order(5)
    void aPayoutRequestedApprovedAndPaidTwiceAtOnceThroughBothInstances_paidOnce() throws Exception {
        long user = 35_000;
        long partnerId = partnerWithRequisites(user, "•••• 1111");
        for (int i = 0; i < 2; i++) {
            long deal = jdbc.sql("""
                            INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                            VALUES (?, ?, ?, 'accounting', 'contract') RETURNING id""")
                    .params(partnerId, "Payout client " + i, "+7999100" + String.format("%04d", i)).query(Long.class).single();
            a.getBean(Deals.class).change(deal, DealChange.external("crm", "paid", new BigDecimal("100000.00"), "RUB", null, false));
        }
        BigDecimal earned = available(partnerId);
        assertThat(earned).as("two paid clients' commission").isGreaterThan(new BigDecimal("12000"));

        // 1. the same confirm button (one request key) pressed at the same moment through both instances: two taps
        // as two updates, one on each, and a third update Telegram posts to both
        for (int i = 0; i < 3; i++) {
            String data = EngineRegistry.sign(a, user, "po:ok:1000.00:RUB:drill-same-" + i);
            String u1 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), user, data, 1).toString();
            String u2 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), user, data, 1).toString();
            String u3 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), user, data, 1).toString();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> posts = new ArrayList<>();
            posts.add(pool.submit(() -> { go.await(); return postUpdate(a, u1); }));
            posts.add(pool.submit(() -> { go.await(); return postUpdate(b, u2); }));
            posts.add(pool.submit(() -> { go.await(); return postUpdate(a, u3); }));
            posts.add(pool.submit(() -> { go.await(); return postUpdate(b, u3); }));
            go.countDown();
            for (Future<Integer> p : posts) assertThat(p.get()).isEqualTo(200);
        }
        settled(user);
        for (int i = 0; i < 3; i++) {
            assertThat(count("SELECT count(*) FROM payout WHERE request_key = ?", partnerId + ":drill-same-" + i))
                    .as("one request per key").isOne();
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE '✅ Payout request #%'", user))
                .as("the partner is told once per request").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'type' = 'text' AND payload->>'text' LIKE 'This payout was already requested%'", user))
                .as("the repeated taps are told nothing new was created (and their buttons answered so)").isEqualTo(6);

        // the same key straight into Payouts on both instances at once, with no per-chat queue in front of it
        int directSame = 0;
        for (int i = 0; i < 3; i++) {
            String key = "drill-direct-" + i;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> calls = new ArrayList<>();
            for (ConfigurableApplicationContext ctx : List.of(a, b, a, b)) calls.add(pool.submit(requestsPayout(ctx, user, "1000.00", key, go)));
            go.countDown();
            List<PayoutRequest> made = new ArrayList<>();
            for (Future<Object> c : calls) made.add((PayoutRequest) c.get());
            assertThat(made).extracting(r -> r.payout().id()).containsOnly(made.get(0).payout().id());
            assertThat(made).filteredOn(PayoutRequest::fresh).hasSize(1);
            directSame++;
        }

        // 2. two confirm screens (two keys) pressed at once on the two instances, together for more than is available
        int refusedByWebhook = 0;
        for (int i = 0; i < 2; i++) {
            String amount = moreThanHalf(available(partnerId));
            String x = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), user,
                    EngineRegistry.sign(a, user, "po:ok:" + amount + ":RUB:drill-two-a" + i), 1).toString();
            String y = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), user,
                    EngineRegistry.sign(b, user, "po:ok:" + amount + ":RUB:drill-two-b" + i), 1).toString();
            CountDownLatch go = new CountDownLatch(1);
            Future<Integer> one = pool.submit(() -> { go.await(); return postUpdate(a, x); });
            Future<Integer> two = pool.submit(() -> { go.await(); return postUpdate(b, y); });
            go.countDown();
            assertThat(one.get()).isEqualTo(200);
            assertThat(two.get()).isEqualTo(200);
            settled(user);
            assertThat(count("SELECT count(*) FROM payout WHERE request_key IN (?, ?)", partnerId + ":drill-two-a" + i,
                    partnerId + ":drill-two-b" + i)).as("one of two requests for %s each", amount).isOne();
            refusedByWebhook++;
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE 'That is more than is available%'", user))
                .as("the other one is refused").isEqualTo(refusedByWebhook);
        for (int i = 0; i < 2; i++) {
            String amount = moreThanHalf(available(partnerId));
            CountDownLatch go = new CountDownLatch(1);
            Future<Object> one = pool.submit(requestsPayout(a, user, amount, "drill-two-direct-a" + i, go));
            Future<Object> two = pool.submit(requestsPayout(b, user, amount, "drill-two-direct-b" + i, go));
            go.countDown();
            List<Object> outcomes = List.of(one.get(), two.get());
            assertThat(outcomes).filteredOn(o -> o instanceof PayoutRequest r && r.fresh()).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof UserError e && e.key().equals("payout.above-available")).hasSize(1);
        }
        settled(user);
        List<Long> payouts = jdbc.sql("SELECT id FROM payout WHERE partner_id = ? ORDER BY id").param(partnerId).query(Long.class).list();
        assertThat(payouts).hasSize(3 + directSame + 2 + 2);
        assertBalanceSound(partnerId, earned);
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'type' = 'document' AND payload->>'caption' LIKE 'Invoice #% for your payout request'", user))
                .as("one invoice to the partner per request").isEqualTo(payouts.size());

        // 3. two managers press Approve on the payout's item at the same moment on the two instances (M1 double-taps,
        // Telegram posts that one to both); then both open "Mark paid" and send a reference at the same moment
        long first = payouts.get(0);
        long item = approvalItem(first);
        String approve1 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, EngineRegistry.sign(a, M1, "ap:" + item + ":ok"), 1).toString();
        String approve2 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M2, EngineRegistry.sign(a, M2, "ap:" + item + ":ok"), 1).toString();
        String approve3 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, EngineRegistry.sign(a, M1, "ap:" + item + ":ok"), 1).toString();
        atOnce(List.of(a, b, a, b), List.of(approve1, approve2, approve3, approve3));
        settled(user);
        String paid1 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, EngineRegistry.sign(a, M1, "po:paid:" + first), 1).toString();
        String paid2 = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M2, EngineRegistry.sign(b, M2, "po:paid:" + first), 1).toString();
        atOnce(List.of(a, b), List.of(paid1, paid2));
        settled(user);
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id IN (?, ?) AND payload->>'text' LIKE 'The payment reference%'", M1, M2))
                .as("both managers are in the mark-paid form").isEqualTo(2);
        long referencesAsked = count("SELECT max(id) FROM outbox");
        String ref1 = FakeBotApi.textUpdate(updateIds.incrementAndGet(), M1, "REF-A-" + first).toString();
        String ref2 = FakeBotApi.textUpdate(updateIds.incrementAndGet(), M2, "REF-B-" + first).toString();
        atOnce(List.of(a, b, b), List.of(ref1, ref2, ref1));
        settled(user);
        String reference = jdbc.sql("SELECT payment_reference FROM payout WHERE id = ?").param(first).query(String.class).single();
        assertThat(reference).isIn("REF-A-" + first, "REF-B-" + first);
        long winner = reference.startsWith("REF-A") ? M1 : M2;
        long loser = winner == M1 ? M2 : M1;
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE '✅ Payout #" + first + " %marked paid%'", winner)).isOne();
        assertThat(jdbc.sql("SELECT payload->>'text' FROM outbox WHERE chat_id = ? AND payload->>'type' = 'text' AND id > ? ORDER BY id")
                .params(loser, referencesAsked).query(String.class).list())
                .as("the other manager is told it is already paid").containsExactly("This payout is already marked paid.");

        // the other requests: Approvals.approve and Payouts.markPaid called on both instances at once
        for (long payout : payouts.subList(1, payouts.size())) {
            long approvalItem = approvalItem(payout);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> calls = new ArrayList<>();
            calls.add(pool.submit(approves(a, approvalItem, M1, go)));
            calls.add(pool.submit(approves(b, approvalItem, M2, go)));
            go.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> c : calls) outcomes.add(c.get());
            assertThat(outcomes).filteredOn(o -> o instanceof UserError e && e.key().equals("approval.already-decided")).hasSize(1);
            CountDownLatch pay = new CountDownLatch(1);
            calls = List.of(pool.submit(marksPaid(a, payout, M1, pay)), pool.submit(marksPaid(b, payout, M2, pay)));
            pay.countDown();
            outcomes = new ArrayList<>();
            for (Future<Object> c : calls) outcomes.add(c.get());
            assertThat(outcomes).filteredOn(o -> o instanceof PayoutView v && v.status().equals("PAID")).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof UserError e).singleElement()
                    .satisfies(o -> assertThat(((UserError) o).key()).as("the loser is told why").isEqualTo("payout.already-paid"));
        }
        settled(user);

        for (long payout : payouts) {
            assertThat(jdbc.sql("SELECT status FROM payout WHERE id = ?").param(payout).query(String.class).single()).isEqualTo("PAID");
            assertThat(count("SELECT count(*) FROM approval_item WHERE kind = 'payout' AND subject_id = ? AND status = 'APPROVED'", payout)).isOne();
            assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'approval.approved' AND subject = ?", "payout#" + payout))
                    .as("one approval of payout %d", payout).isOne();
            assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'payout.paid' AND subject = ?", "payout#" + payout)).isOne();
            for (String type : List.of("PAYOUT_HOLD", "PAYOUT_SETTLE", "PAYOUT")) {
                assertThat(count("SELECT count(*) FROM ledger_entry WHERE payout_id = ? AND type = ?", payout, type))
                        .as("one %s of payout %d", type, payout).isOne();
            }
            long number = jdbc.sql("SELECT invoice_number FROM payout WHERE id = ?").param(payout).query(Long.class).single();
            assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE ?", user, "👍 Payout #" + number + " for %"))
                    .as("the partner is told once that payout %d is approved", payout).isOne();
            assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE ?", user, "💸 Payout #" + number + " for %"))
                    .as("the partner is told once that payout %d is paid", payout).isOne();
            assertThat(count("SELECT count(*) FROM outbox WHERE chat_id IN (?, ?) AND payload->>'text' LIKE ?", M1, M2,
                    "When the money has gone out, press the button (payout #" + payout + ")%")).as("one Mark paid button").isOne();
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE 'Something went wrong%'", user)).isZero();
        assertBalanceSound(partnerId, earned);
        BigDecimal paidOut = jdbc.sql("SELECT -sum(amount) FROM ledger_entry WHERE partner_id = ? AND type = 'PAYOUT'")
                .param(partnerId).query(BigDecimal.class).single();
        assertThat(paidOut).isEqualByComparingTo(jdbc.sql("SELECT sum(amount) FROM payout WHERE partner_id = ?").param(partnerId)
                .query(BigDecimal.class).single());
        assertThat(available(partnerId)).isEqualByComparingTo(earned.subtract(paidOut));

        // what Telegram received: one invoice per request, one "approved" and one "paid" message per payout
        List<FakeBotApi.Call> toPartner = api.answered("sendMessage").stream().filter(c -> c.chatId() == user).toList();
        assertThat(api.answered("sendDocument").stream().filter(c -> c.chatId() == user)).hasSize(payouts.size());
        assertThat(toPartner.stream().filter(c -> c.text().startsWith("💸 Payout #")).map(FakeBotApi.Call::text))
                .hasSize(payouts.size()).doesNotHaveDuplicates();
        assertThat(toPartner.stream().filter(c -> c.text().startsWith("👍 Payout #")).map(FakeBotApi.Call::text))
                .hasSize(payouts.size()).doesNotHaveDuplicates();
        assertThat(toPartner.stream().filter(c -> c.text().startsWith("✅ Payout request #")).map(FakeBotApi.Call::text))
                .hasSize(3 + 2).doesNotHaveDuplicates();
        log.info("Two instances: {} payouts of partner {}, each requested, approved and paid once; {} of {} available paid out",
                payouts.size(), partnerId, paidOut, earned);
    }

    // ---- the Mini App against the bot and the web app -----------------------------------------------------------

    @Test
    @Order(6)
    void anApplicationDecidedAtOnceInTheMiniAppTheBotAndTheWebApp_oneDecisionOneAuditEntryOneMessage() throws Exception {
        for (long manager : List.of(M1, M2)) chat(manager);
        Approvals approvals = a.getBean(Approvals.class);
        Map<String, Integer> winners = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            long user = 36_000 + round;
            long partnerId = partner(user, "PENDING_REVIEW");
            long item = approvals.submit("application", partnerId);
            winners.merge(approveThreeWays(item, "application#" + partnerId, user, round), 1, Integer::sum);
            assertThat(jdbc.sql("SELECT status FROM partner WHERE id = ?").param(partnerId).query(String.class).single()).isEqualTo("APPROVED");
            assertToldOnce(user, "%your application is approved%", t -> t.contains("your application is approved"));
        }
        log.info("Two instances: {} applications approved at once in the Mini App, the bot and the web app; winners {}", ROUNDS, winners);
    }

    @Test
    @Order(7)
    void aPayoutApprovedAtOnceInTheMiniAppTheBotAndTheWebApp_oneDecisionOneAuditEntryOneMessage() throws Exception {
        long user = 37_000;
        long partnerId = partnerWithRequisites(user, "•••• 2222");
        long earning = jdbc.sql("""
                        INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                        VALUES (?, 'Mini race client', '+79992000001', 'accounting', 'contract') RETURNING id""")
                .param(partnerId).query(Long.class).single();
        a.getBean(Deals.class).change(earning, DealChange.external("crm", "paid", new BigDecimal("100000.00"), "RUB", null, false));
        Map<String, Integer> winners = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            long payout = a.getBean(Payouts.class).request(user, new BigDecimal("1000.00"), "RUB", "mini-race-" + round).payout().id();
            winners.merge(approveThreeWays(approvalItem(payout), "payout#" + payout, user, round), 1, Integer::sum);
            assertThat(jdbc.sql("SELECT status FROM payout WHERE id = ?").param(payout).query(String.class).single()).isEqualTo("APPROVED");
            long number = jdbc.sql("SELECT invoice_number FROM payout WHERE id = ?").param(payout).query(Long.class).single();
            assertToldOnce(user, "👍 Payout #" + number + " for %", t -> t.startsWith("👍 Payout #" + number + " for "));
            assertThat(count("SELECT count(*) FROM ledger_entry WHERE payout_id = ? AND type = 'PAYOUT_HOLD'", payout)).isOne();
        }
        log.info("Two instances: {} payouts approved at once in the Mini App, the bot and the web app; winners {}", ROUNDS, winners);
    }

    @Test
    @Order(8)
    void aDealPaidAtOnceInTheMiniAppTheBotAndTheWebApp_oneMoveOneAuditEntryOneMessage() throws Exception {
        long user = 38_000;
        for (long manager : List.of(M1, M2)) chat(manager);
        long partnerId = partner(user, "APPROVED");
        // each way pays its own amount: the deal's amount says which one won
        Map<String, String> amounts = Map.of("miniapp", "100000.00", "web", "100001.00", "bot", "100002.00");
        Map<String, Integer> winners = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            long deal = jdbc.sql("""
                            INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                            VALUES (?, ?, ?, 'accounting', 'contract') RETURNING id""")
                    .params(partnerId, "Board client " + round, "+7999300" + String.format("%04d", round)).query(Long.class).single();
            int version = jdbc.sql("SELECT version FROM deal WHERE id = ?").param(deal).query(Integer.class).single();

            // the bot: M1 presses "→ Paid" on the deal's card and fills the form up to its confirm screen (instance B)
            int seen = sentTo(M1).size();
            postUpdate(b, FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1,
                    EngineRegistry.sign(a, M1, "dm:m:" + deal + ":" + version + ":paid"), 1).toString());
            awaitSent(M1, seen, c -> c.text().startsWith("The amount paid?"));
            seen = sentTo(M1).size();
            postUpdate(b, FakeBotApi.textUpdate(updateIds.incrementAndGet(), M1, amounts.get("bot")).toString());
            String rub = button(awaitSent(M1, seen, c -> button(c, "RUB ₽") != null), "RUB ₽");
            seen = sentTo(M1).size();
            postUpdate(b, FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, rub, 1).toString());
            String skip = button(awaitSent(M1, seen, c -> button(c, "Skip") != null), "Skip");
            seen = sentTo(M1).size();
            postUpdate(b, FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, skip, 1).toString());
            String confirm = button(awaitSent(M1, seen, c -> c.text().startsWith("Please check the payment")), "✅ All correct");
            settled(user);
            long marker = count("SELECT coalesce(max(id), 0) FROM outbox");

            // then, at the same moment: the confirm button (B), the Mini App's board (A), the web app's API (A or B)
            ConfigurableApplicationContext web = round % 2 == 0 ? a : b;
            long lag = HTTP_LAG_MS[round % HTTP_LAG_MS.length];
            String press = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, confirm, 1).toString();
            CountDownLatch go = new CountDownLatch(1);
            Future<Integer> bot = pool.submit(() -> { go.await(); return postUpdate(b, press); });
            Future<Answer> mini = pool.submit(() -> {
                go.await();
                Thread.sleep(lag);
                return call(a, "/app/api/deals/" + deal + "/move", miniApp(M1), "{\"status\":\"paid\",\"amount\":\""
                        + amounts.get("miniapp") + "\",\"currency\":\"RUB\",\"version\":" + version + "}");
            });
            Future<Answer> api = pool.submit(() -> {
                go.await();
                Thread.sleep(lag);
                return call(web, "/api/v1/deals/" + deal + "/changes", "Bearer " + API_TOKEN, "{\"status\":\"paid\",\"amount\":"
                        + amounts.get("web") + ",\"currency\":\"RUB\",\"expectedVersion\":" + version + "}");
            });
            go.countDown();
            assertThat(bot.get()).isEqualTo(200);
            Answer miniAnswer = mini.get(), webAnswer = api.get();
            settled(user);

            BigDecimal paid = jdbc.sql("SELECT amount FROM deal WHERE id = ?").param(deal).query(BigDecimal.class).single();
            String winner = amounts.entrySet().stream().filter(e -> new BigDecimal(e.getValue()).compareTo(paid) == 0)
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            winners.merge(winner, 1, Integer::sum);
            assertThat(jdbc.sql("SELECT status FROM deal WHERE id = ?").param(deal).query(String.class).single()).isEqualTo("paid");
            assertThat(count("SELECT count(*) FROM deal_history WHERE deal_id = ? AND to_status = 'paid'", deal)).as("paid once").isOne();
            assertThat(count("SELECT count(*) FROM ledger_entry WHERE deal_id = ?", deal)).as("commission once").isOne();
            assertThat(count("SELECT count(*) FROM audit_log WHERE subject = ?", "deal#" + deal)).as("one audit entry").isOne();
            assertThat(count("SELECT count(*) FROM audit_log WHERE subject = ? AND action = 'deal.moved' AND actor_id = ?", "deal#" + deal, M1))
                    .as("by the manager").isOne();
            assertThat(jdbc.sql("SELECT channel FROM audit_log WHERE subject = ?").param("deal#" + deal).query(String.class).single())
                    .as("the audit names where the move was made").isEqualTo(Map.of("bot", "telegram", "miniapp", "miniapp", "web", "web").get(winner));
            String told = "🎉 Client <b>Board client " + round + "</b> (#" + deal + ") paid";
            assertToldOnce(user, told + "%", t -> t.startsWith(told));

            // the winner was told it happened, the others that the deal had changed
            if (winner.equals("miniapp")) {
                assertThat(miniAnswer.status()).isEqualTo(200);
                assertThat(miniAnswer.body()).contains("\"changed\":true");
            } else {
                assertThat(miniAnswer.status()).as("the Mini App loses: %s", miniAnswer.body()).isEqualTo(409);
                assertThat(miniAnswer.body()).contains("\"error\":\"conflict\"").contains("Deal #" + deal + " changed while you were answering");
            }
            if (winner.equals("web")) {
                assertThat(webAnswer.status()).isEqualTo(200);
                assertThat(webAnswer.body()).contains("\"changed\":true");
            } else {
                assertThat(webAnswer.status()).as("the web app loses: %s", webAnswer.body()).isEqualTo(409);
                assertThat(webAnswer.body()).contains("\"code\":\"deal.changed-meanwhile\"");
            }
            List<String> toManager = textsTo(M1, marker);
            assertThat(toManager).noneMatch(t -> t.startsWith("Something went wrong"));
            if (winner.equals("bot")) {
                assertThat(toManager).filteredOn(t -> t.startsWith("✅ Deal #" + deal + " paid: ")).hasSize(1);
            } else {
                assertThat(toManager).noneMatch(t -> t.startsWith("✅ Deal #" + deal + " paid: "));
                assertThat(toManager).as("the bot loses and says why").filteredOn(t ->
                        t.startsWith("This card is out of date: deal #" + deal + " is already") || t.startsWith("Deal #" + deal + " changed while you were answering"))
                        .hasSize(1);
            }
        }
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE 'Something went wrong%'", user)).isZero();
        log.info("Two instances: {} deals paid at once in the Mini App, the bot and the web app; winners {}", ROUNDS, winners);
    }

    /**
     * Manager M1 approves one queue item at the same moment in three ways: the Mini App on A, the bot's Approve button
     * through the webhook of B, the web app's API on A or B. Checks that one decision was made, once in the audit log,
     * that the winner was told so and the losers that it was decided already; returns who won.
     */
    private static String approveThreeWays(long item, String subject, long partnerChat, int round) throws Exception {
        settled(partnerChat);
        long marker = count("SELECT coalesce(max(id), 0) FROM outbox");
        ConfigurableApplicationContext web = round % 2 == 0 ? a : b;
        long lag = HTTP_LAG_MS[round % HTTP_LAG_MS.length];
        String press = FakeBotApi.callbackUpdate(updateIds.incrementAndGet(), M1, EngineRegistry.sign(a, M1, "ap:" + item + ":ok"), 1).toString();
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> bot = pool.submit(() -> { go.await(); return postUpdate(b, press); });
        Future<Answer> mini = pool.submit(() -> {
            go.await();
            Thread.sleep(lag);
            return call(a, "/app/api/queue/" + item + "/approve", miniApp(M1), null);
        });
        Future<Answer> api = pool.submit(() -> {
            go.await();
            Thread.sleep(lag);
            return call(web, "/api/v1/approvals/" + item + "/approve", "Bearer " + API_TOKEN, null);
        });
        go.countDown();
        assertThat(bot.get()).isEqualTo(200);
        Answer miniAnswer = mini.get(), webAnswer = api.get();
        settled(partnerChat);

        assertThat(jdbc.sql("SELECT status FROM approval_item WHERE id = ?").param(item).query(String.class).single()).isEqualTo("APPROVED");
        assertThat(jdbc.sql("SELECT decided_by FROM approval_item WHERE id = ?").param(item).query(Long.class).single()).isEqualTo(M1);
        List<String> channels = jdbc.sql("SELECT channel FROM audit_log WHERE subject = ? AND action LIKE 'approval.%'")
                .param(subject).query(String.class).list();
        assertThat(channels).as("one decision of %s in the audit log", subject).hasSize(1);
        String winner = channels.get(0);
        assertThat(winner).isIn("miniapp", "telegram", "web");
        assertThat(count("SELECT count(*) FROM audit_log WHERE subject = ? AND action = 'approval.approved' AND actor_id = ?", subject, M1)).isOne();

        if (winner.equals("miniapp")) {
            assertThat(miniAnswer.status()).isEqualTo(200);
        } else {
            assertThat(miniAnswer.status()).as("the Mini App loses: %s", miniAnswer.body()).isEqualTo(409);
            assertThat(miniAnswer.body()).contains("\"error\":\"conflict\"").contains("A decision has already been made");
        }
        if (winner.equals("web")) {
            assertThat(webAnswer.status()).isEqualTo(200);
        } else {
            assertThat(webAnswer.status()).as("the web app loses: %s", webAnswer.body()).isEqualTo(409);
            assertThat(webAnswer.body()).contains("\"code\":\"approval.already-decided\"");
        }
        List<String> toManager = textsTo(M1, marker);
        assertThat(toManager).noneMatch(t -> t.startsWith("Something went wrong"));
        if (winner.equals("telegram")) {
            assertThat(toManager).filteredOn(t -> t.endsWith(" approved. The partner has been told.")).hasSize(1);
            assertThat(toManager).noneMatch(t -> t.startsWith("A decision has already been made"));
        } else {
            assertThat(toManager).noneMatch(t -> t.endsWith(" approved. The partner has been told."));
            assertThat(toManager).as("the bot loses and says why").filteredOn(t -> t.startsWith("A decision has already been made")).hasSize(1);
        }
        return winner;
    }

    /** The partner was told once: one message in the outbox, one sendMessage the Bot API received. */
    private static void assertToldOnce(long chat, String like, java.util.function.Predicate<String> text) {
        assertThat(count("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload->>'text' LIKE ?", chat, like))
                .as("one message to the partner: %s", like).isOne();
        assertThat(sentTo(chat).stream().map(FakeBotApi.Call::text).filter(t -> t != null && text.test(t)))
                .as("Telegram received it once: %s", like).hasSize(1);
    }

    record Answer(int status, String body) {
    }

    private static String miniApp(long user) {
        return InitData.header(FakeBotApi.TOKEN, user, "Manager" + user, "en");
    }

    private static Answer call(ConfigurableApplicationContext ctx, String path, String authorization, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** Texts put in the outbox for a chat after the outbox row {@code after}. */
    private static List<String> textsTo(long chat, long after) {
        return jdbc.sql("SELECT payload->>'text' FROM outbox WHERE chat_id = ? AND id > ? AND payload->>'text' IS NOT NULL ORDER BY id")
                .params(chat, after).query(String.class).list();
    }

    private static List<FakeBotApi.Call> sentTo(long chat) {
        return api.answered("sendMessage").stream().filter(c -> Long.valueOf(chat).equals(c.chatId())).toList();
    }

    /** Waits for a message to the chat, after the first {@code seen} ones, that matches. */
    private static FakeBotApi.Call awaitSent(long chat, int seen, java.util.function.Predicate<FakeBotApi.Call> matching) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<FakeBotApi.Call> sent = sentTo(chat);
            for (FakeBotApi.Call c : sent.subList(Math.min(seen, sent.size()), sent.size())) {
                if (c.text() != null && matching.test(c)) return c;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no such message to " + chat + "; after " + seen + ": "
                        + sent.subList(Math.min(seen, sent.size()), sent.size()).stream().map(FakeBotApi.Call::text).toList());
            }
            Thread.sleep(20);
        }
    }

    /** The callback data of a message's inline button with that label, or null. */
    private static String button(FakeBotApi.Call message, String label) {
        JsonNode markup = message.json("reply_markup");
        if (markup == null || markup.get("inline_keyboard") == null) return null;
        for (JsonNode row : markup.get("inline_keyboard")) {
            for (JsonNode b : row) {
                if (label.equals(b.path("text").asText())) return b.path("callback_data").asText();
            }
        }
        return null;
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

    private static Callable<Object> requestsPayout(ConfigurableApplicationContext ctx, long user, String amount, String key,
                                                  CountDownLatch go) {
        return () -> {
            go.await();
            try {
                return ctx.getBean(Payouts.class).request(user, new BigDecimal(amount), "RUB", key);
            } catch (UserError refused) {
                return refused;
            }
        };
    }

    private static Callable<Object> approves(ConfigurableApplicationContext ctx, long item, long manager, CountDownLatch go) {
        return () -> {
            go.await();
            try {
                ctx.getBean(Approvals.class).approve(item, Decider.telegram(manager, "Manager " + manager));
                return "approved";
            } catch (UserError refused) {
                return refused;
            }
        };
    }

    private static Callable<Object> marksPaid(ConfigurableApplicationContext ctx, long payout, long manager, CountDownLatch go) {
        return () -> {
            go.await();
            try {
                return ctx.getBean(Payouts.class).markPaid(payout, Decider.telegram(manager, "Manager " + manager), "PP-" + manager);
            } catch (UserError refused) {
                return refused;
            }
        };
    }

    /** Posts each update to its instance, all at the same moment. */
    private static void atOnce(List<ConfigurableApplicationContext> to, List<String> updates) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            ConfigurableApplicationContext ctx = to.get(i);
            String update = updates.get(i);
            posts.add(pool.submit(() -> { go.await(); return postUpdate(ctx, update); }));
        }
        go.countDown();
        for (Future<Integer> p : posts) assertThat(p.get()).isEqualTo(200);
    }

    /** Every update handled and everything to the partner and the managers sent. */
    private static void settled(long user) throws InterruptedException {
        await(() -> count("SELECT count(*) FROM telegram_inbox WHERE processed_at IS NULL") == 0
                        && count("SELECT count(*) FROM outbox WHERE chat_id IN (?, ?, ?) AND status IN ('PENDING', 'SENDING')", user, M1, M2) == 0,
                Duration.ofSeconds(30), "every update handled and every message sent");
    }

    private static BigDecimal available(long partnerId) {
        return jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE partner_id = ? AND currency = 'RUB'")
                .param(partnerId).query(BigDecimal.class).single();
    }

    /** An amount two requests of which exceed what is available, while one fits (and is above the minimum). */
    private static String moreThanHalf(BigDecimal available) {
        assertThat(available).as("enough left for another round").isGreaterThanOrEqualTo(new BigDecimal("1000"));
        return available.add(new BigDecimal("1000")).divide(new BigDecimal("2"), 2, java.math.RoundingMode.DOWN).toPlainString();
    }

    private static long approvalItem(long payout) {
        return jdbc.sql("SELECT id FROM approval_item WHERE kind = 'payout' AND subject_id = ?").param(payout).query(Long.class).single();
    }

    /** The balance never went below zero, and what is held is exactly what was requested, one hold per request. */
    private static void assertBalanceSound(long partnerId, BigDecimal earned) {
        assertThat(jdbc.sql("SELECT min(running) FROM (SELECT sum(amount) OVER (ORDER BY id) AS running FROM ledger_entry WHERE partner_id = ?) t")
                .param(partnerId).query(BigDecimal.class).single()).as("the balance never negative").isGreaterThanOrEqualTo(BigDecimal.ZERO);
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE partner_id = ? AND type = 'PAYOUT_HOLD'", partnerId))
                .as("one hold per request").isEqualTo(count("SELECT count(*) FROM payout WHERE partner_id = ?", partnerId));
        assertThat(jdbc.sql("SELECT -sum(amount) FROM ledger_entry WHERE partner_id = ? AND type = 'PAYOUT_HOLD'").param(partnerId)
                .query(BigDecimal.class).single()).as("held = requested")
                .isEqualByComparingTo(jdbc.sql("SELECT sum(amount) FROM payout WHERE partner_id = ?").param(partnerId).query(BigDecimal.class).single());
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE partner_id = ? AND type IN ('COMMISSION', 'COMMISSION_REVERSAL')", partnerId))
                .as("earnings untouched").isEqualTo(2);
        assertThat(jdbc.sql("SELECT sum(amount) FROM ledger_entry WHERE partner_id = ? AND type = 'COMMISSION'").param(partnerId)
                .query(BigDecimal.class).single()).isEqualByComparingTo(earned);
        assertThat(available(partnerId)).isGreaterThanOrEqualTo(BigDecimal.ZERO);
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
        long timestamp = java.time.Instant.now().getEpochSecond();
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        int status = post(ctx, "/api/crm/deals/events", body, "X-Partnerka-Signature", signature, "X-Partnerka-Timestamp",
                String.valueOf(timestamp));
        assertThat(status).as("CRM event answered").isIn(200, 409);
        return status;
    }

    private static int post(ConfigurableApplicationContext ctx, String path, String body, String... headers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
                .header("Content-Type", "application/json").headers(headers)
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
