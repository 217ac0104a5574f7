package io.partnerka.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.EngineRegistry;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.telegram.FakeBotApi;
import io.partnerka.testing.AnsweredPresses;
import io.partnerka.testing.ChatTester;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The authorization matrix: every command, callback prefix and HTTP endpoint the app has, for every kind of caller
 * (an anonymous chat that never applied, a partner, another partner, a manager; for HTTP an anonymous caller, one
 * with wrong credentials and the system that owns the endpoint), each either works or is refused as it should.
 * Table-driven: a command or prefix that is added without a row here fails {@link #everyCommandAndPrefixHasARow}.
 * Rows for the admin web app's /api/v1 endpoints go into {@link #httpRows()} with an OPERATOR caller.
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AuthorizationMatrixTests {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationMatrixTests.class);
    static final FakeBotApi api = FakeBotApi.start();
    static final String WEBHOOK_SECRET = "matrix-webhook-secret";
    static final String CRM_SECRET = "matrix-crm-secret";
    static final String BITRIX_TOKEN = "matrix-bitrix-token";
    /** API tokens of the test profile (application-test.yml) */
    static final String API_MANAGER_TOKEN = "test-manager-token-0123456789", API_ADMIN_TOKEN = "test-admin-token-0123456789";
    /** partnerka.metrics.token of the test profile */
    static final String METRICS_TOKEN = "test-metrics-token-0123456789";
    static final long ANON = 7300, PARTNER = 7101, OTHER = 7102, MANAGER = 7001, APPLICANT = 7400;
    private static final AtomicLong updateIds = new AtomicLong(9_000_000);
    private static final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("partnerka.telegram.token", () -> FakeBotApi.TOKEN);
        registry.add("partnerka.telegram.api-url", api::url);
        registry.add("partnerka.telegram.webhook-url", () -> "https://bot.example.com/telegram/webhook");
        registry.add("partnerka.telegram.webhook-secret", () -> WEBHOOK_SECRET);
        registry.add("partnerka.manager-ids", () -> String.valueOf(MANAGER));
        registry.add("partnerka.training.gate", () -> "false");
        registry.add("partnerka.crm.secret", () -> CRM_SECRET);
        registry.add("partnerka.bitrix24.webhook-url", () -> "http://127.0.0.1:9/rest/1/x/");
        registry.add("partnerka.bitrix24.application-token", () -> BITRIX_TOKEN);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Autowired ConversationEngine engine;
    @Autowired Messages messages;
    @Autowired JdbcClient jdbc;
    @Autowired ApplicationContext context;
    @LocalServerPort int port;

    enum Actor { ANON, PARTNER, OTHER, MANAGER }

    /** What an actor must get. */
    enum Expect {
        /** a real answer: no refusal, no error */
        WORKS,
        /** "for the program's managers only" */
        MANAGERS_ONLY,
        /** "not a partner yet" / "once your application is approved" */
        PARTNERS_ONLY,
        /** "already a partner" (applying again) */
        ALREADY_PARTNER,
        /** the button is refused as invalid or out of date: nothing happens */
        BUTTON_REFUSED,
        /** "no #id among your clients": the same as for an id that does not exist */
        NOT_YOURS
    }

    /** A row: what is sent (built per actor: ids of the partner's own objects are known only after setup). */
    record ChatRow(String entry, Function<Fixture, Input> input, Map<Actor, Expect> expected) {
    }

    record Input(Inbound.Kind kind, String value) {
    }

    /** Objects that belong to PARTNER (the "other partner" must not reach them). */
    record Fixture(long dealOfPartner, long threadOfPartner, long pendingItem) {
    }

    private static Map<Actor, Expect> each(Expect anon, Expect partner, Expect other, Expect manager) {
        Map<Actor, Expect> m = new EnumMap<>(Actor.class);
        m.put(Actor.ANON, anon);
        m.put(Actor.PARTNER, partner);
        m.put(Actor.OTHER, other);
        m.put(Actor.MANAGER, manager);
        return m;
    }

    private static ChatRow command(String command, Expect anon, Expect partner, Expect manager) {
        return new ChatRow("/" + command.split(" ")[0] + (command.contains(" ") ? " …" : ""),
                f -> new Input(Inbound.Kind.COMMAND, "/" + command), each(anon, partner, partner, manager));
    }

    private static ChatRow button(String prefix, Function<Fixture, String> payload, Map<Actor, Expect> expected) {
        return new ChatRow(prefix + ":", f -> new Input(Inbound.Kind.CALLBACK, payload.apply(f)), expected);
    }

    static final Expect W = Expect.WORKS, M = Expect.MANAGERS_ONLY, P = Expect.PARTNERS_ONLY, B = Expect.BUTTON_REFUSED;

    /** Every command the bot knows: anonymous, partner (and the other partner), manager. */
    static List<ChatRow> commandRows() {
        return List.of(
                command("start", W, W, W),
                command("menu", W, W, W),
                command("help", W, W, W),
                command("language", W, W, W),
                command("cancel", W, W, W),
                command("apply", W, Expect.ALREADY_PARTNER, W),
                command("ask", P, W, W),
                command("client", P, W, P),
                command("clients", P, W, P),
                command("stats", P, W, W),
                command("balance", P, W, P),
                command("payout", P, W, P),
                command("requisites", P, W, P),
                command("referral", P, W, P),
                command("profile", P, W, P),
                command("status", P, W, P),
                command("training", P, W, W),
                command("kb", W, W, W),
                command("kb commission", W, W, W),
                command("pending", M, M, W),
                command("partner Anna", M, M, W),
                command("deal 1", M, M, W),
                command("deals", M, M, W),
                command("questions", M, M, W),
                command("trainingstats", M, M, W),
                command("broadcast", M, M, W),
                command("broadcasts", M, M, W),
                command("drip", M, M, W),
                command("drip_pause", M, M, W),
                command("drip_resume", M, M, W),
                command("drip_run", M, M, W),
                command("drip_reload", M, M, W),
                command("drip_log", M, M, W),
                command("payouts", M, M, W),
                command("payouts_csv", M, M, W),
                command("invoice 1", M, M, W));
    }

    /** Every callback prefix, with data the bot signed for the presser's own chat. */
    static List<ChatRow> buttonRows() {
        return List.of(
                button("ap", f -> "ap:" + f.pendingItem() + ":ok", each(M, M, M, W)),
                button("dm", f -> "dm:c:" + f.dealOfPartner() + ":0", each(M, M, M, W)),
                button("dc", f -> "dc:c:" + f.dealOfPartner(), each(P, W, Expect.NOT_YOURS, P)),
                button("sq", f -> "sq:t:" + f.threadOfPartner(), each(M, M, M, W)),
                new ChatRow("sq:f (follow-up on a thread)", f -> new Input(Inbound.Kind.CALLBACK, "sq:f:" + f.threadOfPartner()),
                        each(B, W, B, B)),
                button("tr", f -> "tr:list", each(P, W, W, P)),
                button("tq", f -> "tq:1:1:0", each(B, B, B, B)),
                button("kb", f -> "kb:home", each(W, W, W, W)),
                button("dripc", f -> "dripc:pause:no-such-chain", each(M, M, M, W)),
                button("drip", f -> "drip:999999999", each(B, B, B, B)),
                button("bcast", f -> "bcast:noop", each(M, M, M, W)),
                button("rsvp", f -> "rsvp:999999999:yes", each(B, B, B, B)),
                button("apply", f -> "apply", each(W, Expect.ALREADY_PARTNER, Expect.ALREADY_PARTNER, W)),
                button("f", f -> "f:0:ok", each(B, B, B, B)),
                button("lang", f -> "lang:en", each(W, W, W, W)),
                button("po", f -> "po:show", each(P, W, W, P)),
                new ChatRow("po:paid (a manager marks a payout paid)", f -> new Input(Inbound.Kind.CALLBACK, "po:paid:999999999"),
                        each(M, M, M, W)),
                new ChatRow("po:cancel (a manager cancels an approved payout)", f -> new Input(Inbound.Kind.CALLBACK, "po:cancel:999999999"),
                        each(M, M, M, W)),
                button("rq", f -> "rq:show", each(P, W, W, P)));
    }

    private static Fixture fixture;

    @BeforeEach
    void data() {
        if (fixture != null) return;
        for (long user : List.of(ANON, PARTNER, OTHER, MANAGER, APPLICANT)) {
            jdbc.sql("INSERT INTO chat (chat_id, user_id, language, language_chosen) VALUES (?, ?, 'en', true) ON CONFLICT DO NOTHING")
                    .params(user, user).update();
        }
        long partnerId = partner(PARTNER, "APPROVED", "Anna Partner");
        partner(OTHER, "APPROVED", "Oleg Other");
        long applicantId = partner(APPLICANT, "PENDING_REVIEW", "Ivan Applicant");
        long deal = jdbc.sql("""
                        INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                        VALUES (?, 'Secret Client of Anna', '+79990001122', 'accounting', 'new') RETURNING id""")
                .param(partnerId).query(Long.class).single();
        long thread = jdbc.sql("""
                        INSERT INTO support_thread (partner_id, partner_user_id, partner_chat_id, status, waiting_since)
                        VALUES (?, ?, ?, 'OPEN', now()) RETURNING id""")
                .params(partnerId, PARTNER, PARTNER).query(Long.class).single();
        jdbc.sql("INSERT INTO support_message (thread_id, author, author_id, author_name, text) VALUES (?, 'PARTNER', ?, 'Anna', 'A private question of Anna')")
                .params(thread, PARTNER).update();
        long item = jdbc.sql("INSERT INTO approval_item (kind, subject_id) VALUES ('application', ?) RETURNING id")
                .param(applicantId).query(Long.class).single();
        fixture = new Fixture(deal, thread, item);
    }

    private long partner(long user, String status, String name) {
        return jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, decided_at)
                        VALUES (?, ?, ?, 'individual', ?, 'Moscow', '+79160000000', 'social', 'individual', 'en', now()) RETURNING id""")
                .params(user, user, status, name).query(Long.class).single();
    }

    @Test
    void everyCommandAndPrefixHasARow() {
        Set<String> covered = new TreeSet<>();
        commandRows().forEach(r -> covered.add(r.entry().substring(1).split(" ")[0]));
        assertThat(covered).as("commands with a row in the matrix").containsAll(EngineRegistry.commands(context).keySet());
        Set<String> prefixes = new TreeSet<>();
        buttonRows().forEach(r -> prefixes.add(r.entry().split(":")[0]));
        assertThat(prefixes).as("callback prefixes with a row in the matrix").containsAll(EngineRegistry.callbackPrefixes(context).keySet());
    }

    @Test
    void everyCommandAndButtonWorksOrIsRefusedAsItShould() {
        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder("\n| entry | anonymous | partner | other partner | manager |\n|---|---|---|---|---|\n");
        List<ChatRow> rows = new ArrayList<>(commandRows());
        rows.addAll(buttonRows());
        for (ChatRow row : rows) {
            table.append("| `").append(row.entry()).append("` |");
            // the manager last: a manager's press changes things (approves the pending item)
            for (Actor actor : List.of(Actor.ANON, Actor.PARTNER, Actor.OTHER, Actor.MANAGER)) {
                Input input = row.input().apply(fixture);
                send(actor, Inbound.Kind.COMMAND, "/cancel");
                List<String> said = send(actor, input.kind(), input.value());
                Expect expected = row.expected().get(actor);
                String verdict = verdict(said, expected);
                table.append(' ').append(expected == Expect.WORKS ? "works" : expected.name().toLowerCase().replace('_', ' '))
                        .append(verdict == null ? "" : " **✗**").append(" |");
                if (verdict != null) wrong.add(row.entry() + " by " + actor + ": expected " + expected + ", " + verdict + "; said: " + said);
            }
            table.append('\n');
        }
        log.info("Authorization matrix (bot):{}", table);
        assertThat(wrong).as("entries that did not work or were not refused as they should").isEmpty();
        assertThat(jdbc.sql("SELECT status FROM approval_item WHERE id = ?").param(fixture.pendingItem()).query(String.class).single())
                .as("only the manager's press decided the item").isEqualTo("APPROVED");
    }

    @Test
    void anotherPartnersObjectsGiveNothingAway() {
        long absent = 987_654_321L;
        List<String> ownDeal = send(Actor.OTHER, Inbound.Kind.COMMAND, "/clients " + fixture.dealOfPartner());
        List<String> noDeal = send(Actor.OTHER, Inbound.Kind.COMMAND, "/clients " + absent);
        assertThat(ownDeal).hasSize(1);
        assertThat(ownDeal.get(0).replace(String.valueOf(fixture.dealOfPartner()), "ID"))
                .as("someone else's deal reads exactly like a deal that does not exist")
                .isEqualTo(noDeal.get(0).replace(String.valueOf(absent), "ID"));
        assertThat(send(Actor.PARTNER, Inbound.Kind.COMMAND, "/clients " + fixture.dealOfPartner()))
                .anySatisfy(s -> assertThat(s).contains("Secret Client of Anna"));

        // whatever the other partner and the anonymous chat tried, they never read the partner's client or question
        for (long chat : List.of(OTHER, ANON)) {
            List<String> everything = jdbc.sql("SELECT coalesce(payload->>'text', '') FROM outbox WHERE chat_id = ?")
                    .param(chat).query(String.class).list();
            assertThat(everything).noneSatisfy(t -> assertThat(t).containsAnyOf("Secret Client", "+79990001122",
                    "A private question of Anna"));
        }
    }

    @Test
    void aButtonMadeForAnotherChatOrNotSignedAtAllIsRefused() {
        List<String> wrong = new ArrayList<>();
        for (ChatRow row : buttonRows()) {
            String payload = row.input().apply(fixture).value();
            for (Actor actor : Actor.values()) {
                // signed by the bot, but for someone else's chat (copied from a forwarded message, or forged)
                long victim = actor == Actor.PARTNER ? OTHER : PARTNER;
                List<String> copied = press(actor, EngineRegistry.sign(context, victim, payload));
                if (verdict(copied, Expect.BUTTON_REFUSED) != null) wrong.add(row.entry() + " copied, by " + actor + ": " + copied);
                List<String> unsigned = press(actor, payload);
                if (verdict(unsigned, Expect.BUTTON_REFUSED) != null) wrong.add(row.entry() + " unsigned, by " + actor + ": " + unsigned);
                List<String> tampered = press(actor, EngineRegistry.sign(context, chat(actor), payload) + "x");
                if (verdict(tampered, Expect.BUTTON_REFUSED) != null) wrong.add(row.entry() + " tampered, by " + actor + ": " + tampered);
            }
        }
        assertThat(wrong).isEmpty();
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    /** For the Mini App API the callers are people: OWNER is the partner whose object it is. */
    enum Caller { ANONYMOUS, WRONG_CREDENTIALS, OWNER, APPLICANT, OTHER_PARTNER, MANAGER }

    /** One HTTP call: the method, the path, who calls, and the statuses that are right for that caller. */
    record HttpRow(String method, String path, Caller caller, Set<Integer> expected, Function<HttpRequest.Builder, HttpRequest.Builder> how,
                   String body) {
    }

    /** The CRM contract's signature: HMAC-SHA256 of "<timestamp>.<body>". */
    static String hmac(long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(CRM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmacOfBodyOnly(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(CRM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every HTTP endpoint on main. The admin app's /api/v1 rows (operator, partner token, anonymous) belong here. */
    static List<HttpRow> httpRows() {
        String update = FakeBotApi.textUpdate(9_500_000, ANON, "/help").toString();
        // a fresh event id per run: an authenticated event id is remembered, and answered 409 when seen again
        String crmEvent = "{\"event_id\":\"matrix-" + System.nanoTime() + "\",\"deal_id\":987654321,\"status\":\"paid\",\"amount\":\"100.00\",\"currency\":\"RUB\"}";
        long now = java.time.Instant.now().getEpochSecond();
        String bitrixForm = "event=ONCRMLEADADD&data%5BFIELDS%5D%5BID%5D=1&ts=" + now + "&auth%5Bapplication_token%5D=";
        return List.of(
                new HttpRow("POST", "/telegram/webhook", Caller.ANONYMOUS, Set.of(401), b -> b.header("Content-Type", "application/json"), update),
                new HttpRow("POST", "/telegram/webhook", Caller.WRONG_CREDENTIALS, Set.of(403),
                        b -> b.header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", "guess"), update),
                new HttpRow("POST", "/telegram/webhook", Caller.OWNER, Set.of(200),
                        b -> b.header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET), update),
                new HttpRow("POST", "/api/crm/deals/events", Caller.ANONYMOUS, Set.of(401), b -> b.header("Content-Type", "application/json"), crmEvent),
                new HttpRow("POST", "/api/crm/deals/events", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/json").header("X-Partnerka-Timestamp", String.valueOf(now))
                                .header("X-Partnerka-Signature", "sha256=" + "0".repeat(64)), crmEvent),
                // rightly signed, but six minutes old (a captured request replayed): refused like a wrong signature
                new HttpRow("POST", "/api/crm/deals/events", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/json").header("X-Partnerka-Timestamp", String.valueOf(now - 360))
                                .header("X-Partnerka-Signature", hmac(now - 360, crmEvent)), crmEvent),
                // signed the old way (the body alone, no timestamp): refused
                new HttpRow("POST", "/api/crm/deals/events", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/json").header("X-Partnerka-Signature", hmacOfBodyOnly(crmEvent)), crmEvent),
                // signed: accepted, and answered for what it is (no such deal)
                new HttpRow("POST", "/api/crm/deals/events", Caller.OWNER, Set.of(404),
                        b -> b.header("Content-Type", "application/json").header("X-Partnerka-Timestamp", String.valueOf(now))
                                .header("X-Partnerka-Signature", hmac(now, crmEvent)), crmEvent),
                new HttpRow("POST", "/api/crm/bitrix24/events", Caller.ANONYMOUS, Set.of(401),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), bitrixForm),
                new HttpRow("POST", "/api/crm/bitrix24/events", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), bitrixForm + "guess"),
                // the right token, but sent six minutes ago
                new HttpRow("POST", "/api/crm/bitrix24/events", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"),
                        bitrixForm.replace("ts=" + now, "ts=" + (now - 360)) + BITRIX_TOKEN),
                new HttpRow("POST", "/api/crm/bitrix24/events", Caller.OWNER, Set.of(200),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), bitrixForm + BITRIX_TOKEN),
                // the Mini App's page is a public shell (no data): everything it shows comes from /app/api, signed by Telegram
                new HttpRow("GET", "/app", Caller.ANONYMOUS, Set.of(200), b -> b, null),
                new HttpRow("GET", "/app?sandbox=1", Caller.ANONYMOUS, Set.of(200), b -> b, null),
                new HttpRow("GET", "/app/assets/app.js", Caller.ANONYMOUS, Set.of(200), b -> b, null),
                // public by design: a certificate is checked by anyone who has its code; an unknown code says only that
                new HttpRow("GET", "/certificates/PK-NOSUCHCODE", Caller.ANONYMOUS, Set.of(404), b -> b, null),
                // the sandbox plays any persona, managers included: with a real bot token it must not exist at all
                new HttpRow("GET", "/sandbox/api/personas", Caller.ANONYMOUS, Set.of(404), b -> b, null),
                new HttpRow("POST", "/sandbox/api/chats/" + MANAGER + "/messages", Caller.ANONYMOUS, Set.of(404),
                        b -> b.header("Content-Type", "application/json"), "{\"text\":\"/pending\"}"),
                // the admin web app: pages behind a form login, the JSON API behind bearer tokens (test profile's tokens)
                new HttpRow("GET", "/admin", Caller.ANONYMOUS, Set.of(302), b -> b, null),
                new HttpRow("GET", "/admin/login", Caller.ANONYMOUS, Set.of(200), b -> b, null),
                new HttpRow("POST", "/admin/approvals/" + 1 + "/approve", Caller.ANONYMOUS, Set.of(302, 403),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), "reason=x"),
                new HttpRow("GET", "/api/v1/approvals", Caller.ANONYMOUS, Set.of(401), b -> b, null),
                new HttpRow("GET", "/api/v1/approvals", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Authorization", "Bearer guess-guess-guess-guess"), null),
                new HttpRow("GET", "/api/v1/approvals", Caller.OWNER, Set.of(200),
                        b -> b.header("Authorization", "Bearer " + API_MANAGER_TOKEN), null),
                new HttpRow("POST", "/api/v1/approvals/1/approve", Caller.ANONYMOUS, Set.of(401),
                        b -> b.header("Content-Type", "application/json"), "{}"),
                // a manager's token may not pause drip chains (ADMIN only)
                new HttpRow("POST", "/api/v1/drip/chains/onboarding/pause", Caller.WRONG_CREDENTIALS, Set.of(403),
                        b -> b.header("Authorization", "Bearer " + API_MANAGER_TOKEN), null),
                new HttpRow("POST", "/api/v1/drip/chains/onboarding/pause", Caller.OWNER, Set.of(200, 204),
                        b -> b.header("Authorization", "Bearer " + API_ADMIN_TOKEN), null),
                // the requisites key rotation (ADMIN only: re-seals every account number)
                new HttpRow("POST", "/api/v1/requisites/reseal", Caller.ANONYMOUS, Set.of(401), b -> b, null),
                new HttpRow("POST", "/api/v1/requisites/reseal", Caller.WRONG_CREDENTIALS, Set.of(403),
                        b -> b.header("Authorization", "Bearer " + API_MANAGER_TOKEN), null),
                new HttpRow("POST", "/api/v1/requisites/reseal", Caller.OWNER, Set.of(200),
                        b -> b.header("Authorization", "Bearer " + API_ADMIN_TOKEN), null),
                // one's own password (the generated admin must change it at the first login; configured users read where it is set)
                new HttpRow("GET", "/admin/password", Caller.ANONYMOUS, Set.of(302), b -> b, null),
                new HttpRow("POST", "/admin/password", Caller.ANONYMOUS, Set.of(302, 403),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), "current=x&password=y&repeat=y"),
                new HttpRow("GET", "/admin/password", Caller.WRONG_CREDENTIALS, Set.of(302),
                        b -> b.header("Cookie", "JSESSIONID=0123456789ABCDEF0123456789ABCDEF"), null),
                new HttpRow("GET", "/admin/password", Caller.OWNER, Set.of(200), b -> b.header("Cookie", adminSession), null),
                new HttpRow("GET", "/actuator/health", Caller.ANONYMOUS, Set.of(200), b -> b, null),
                // metrics: a bearer token (the test profile's partnerka.metrics.token); nothing else of the actuator
                new HttpRow("GET", "/actuator/prometheus", Caller.ANONYMOUS, Set.of(401), b -> b, null),
                new HttpRow("GET", "/actuator/prometheus", Caller.WRONG_CREDENTIALS, Set.of(403),
                        b -> b.header("Authorization", "Bearer guess-guess-guess-guess"), null),
                new HttpRow("GET", "/actuator/prometheus", Caller.OWNER, Set.of(200),
                        b -> b.header("Authorization", "Bearer " + METRICS_TOKEN), null),
                new HttpRow("GET", "/actuator/metrics", Caller.ANONYMOUS, Set.of(404), b -> b, null),
                // production mode (a bot token): no OpenAPI document, no Swagger UI (PARTNERKA_API_DOCS is not set)
                new HttpRow("GET", "/v3/api-docs", Caller.ANONYMOUS, Set.of(404), b -> b, null),
                new HttpRow("GET", "/v3/api-docs", Caller.WRONG_CREDENTIALS, Set.of(404),
                        b -> b.header("Authorization", "Bearer " + API_ADMIN_TOKEN), null),
                new HttpRow("GET", "/swagger-ui.html", Caller.ANONYMOUS, Set.of(404), b -> b, null),
                // cancelling an approved payout (bounced transfer): managers only, web and API
                new HttpRow("POST", "/admin/payouts/1/cancel", Caller.ANONYMOUS, Set.of(302, 403),
                        b -> b.header("Content-Type", "application/x-www-form-urlencoded"), "reason=x"),
                new HttpRow("POST", "/api/v1/payouts/1/cancel", Caller.ANONYMOUS, Set.of(401),
                        b -> b.header("Content-Type", "application/json"), "{\"reason\":\"x\"}"),
                new HttpRow("POST", "/api/v1/payouts/1/cancel", Caller.WRONG_CREDENTIALS, Set.of(401),
                        b -> b.header("Content-Type", "application/json").header("Authorization", "Bearer guess-guess-guess-guess"),
                        "{\"reason\":\"x\"}"),
                // a manager's token: accepted, and answered for what it is (no such payout)
                new HttpRow("POST", "/api/v1/payouts/987654321/cancel", Caller.OWNER, Set.of(404),
                        b -> b.header("Content-Type", "application/json").header("Authorization", "Bearer " + API_MANAGER_TOKEN),
                        "{\"reason\":\"x\"}"));
    }

    /** A payout of PARTNER (with an invoice) for the Mini App rows: nobody else may open its invoice. */
    private static long payoutOfPartner;

    private long payoutOfPartner() {
        if (payoutOfPartner != 0) return payoutOfPartner;
        long partnerId = jdbc.sql("SELECT id FROM partner WHERE user_id = ?").param(PARTNER).query(Long.class).single();
        long requisites = jdbc.sql("""
                        INSERT INTO requisites (partner_id, version, method, account_cipher, account_masked, account_fingerprint,
                                                legal_name, currency, status)
                        VALUES (?, 1, 'card', 'x', '•••• 1111', 'matrix', 'Anna Partner', 'RUB', 'APPROVED') RETURNING id""")
                .param(partnerId).query(Long.class).single();
        payoutOfPartner = jdbc.sql("""
                        INSERT INTO payout (partner_id, amount, currency, requisites_id, request_key, invoice_number, invoice_pdf,
                                            period_from, period_to)
                        VALUES (?, 1000, 'RUB', ?, 'matrix-payout', 987001, ?, now(), now()) RETURNING id""")
                .params(partnerId, requisites, "%PDF-1.4 matrix".getBytes(StandardCharsets.UTF_8)).query(Long.class).single();
        return payoutOfPartner;
    }

    /**
     * The Mini App API: every endpoint for an anonymous caller, data signed for another bot, an applicant, the partner
     * (OWNER), another partner and a manager. The partner's objects by id look like nothing to anyone else.
     */
    List<HttpRow> miniAppRows() {
        long payout = payoutOfPartner();
        String partner = io.partnerka.testing.InitData.header(FakeBotApi.TOKEN, PARTNER, "Anna", "en");
        String other = io.partnerka.testing.InitData.header(FakeBotApi.TOKEN, OTHER, "Oleg", "en");
        String applicant = io.partnerka.testing.InitData.header(FakeBotApi.TOKEN, APPLICANT, "Ivan", "en");
        String manager = io.partnerka.testing.InitData.header(FakeBotApi.TOKEN, MANAGER, "Maria", "en");
        String forged = io.partnerka.testing.InitData.header("654321:some-other-bots-token", PARTNER, "Anna", "en");
        String client = "{\"name\":\"Matrix Client\",\"phone\":\"+7916" + (1_000_000 + System.nanoTime() % 8_999_999)
                + "\",\"product\":\"accounting\"}";
        String payoutBody = "{\"amount\":\"all\",\"key\":\"matrix-" + System.nanoTime() + "\"}";
        String requisites = "{\"method\":\"card\",\"account\":\"4111 1111 1111 1111\",\"legalName\":\"Anna Partner\",\"currency\":\"RUB\"}";
        List<HttpRow> rows = new ArrayList<>();
        record Endpoint(String method, String path, String body, int applicant, int partner, int other, int manager) {
        }
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/app/api/me", null, 200, 200, 200, 200),
                new Endpoint("GET", "/app/api/home", null, 403, 200, 200, 403),
                new Endpoint("GET", "/app/api/products", null, 200, 200, 200, 200),
                new Endpoint("GET", "/app/api/clients", null, 403, 200, 200, 403),
                // the training gate is off in this context: the partner's client is taken
                new Endpoint("POST", "/app/api/clients", client, 403, 201, 400, 403),
                new Endpoint("GET", "/app/api/payouts", null, 403, 200, 200, 403),
                // no money yet: refused for what it is (400), not for who asks
                new Endpoint("POST", "/app/api/payouts", payoutBody, 403, 400, 400, 403),
                new Endpoint("GET", "/app/api/payouts/" + payout + "/invoice.pdf", null, 404, 200, 404, 200),
                new Endpoint("GET", "/app/api/payouts/987654321/invoice.pdf", null, 404, 404, 404, 404),
                new Endpoint("POST", "/app/api/requisites", requisites, 403, 202, 202, 403),
                new Endpoint("GET", "/app/api/training", null, 200, 200, 200, 200),
                new Endpoint("GET", "/app/api/kb?q=commission", null, 200, 200, 200, 200),
                new Endpoint("GET", "/app/api/kb/no.such", null, 404, 404, 404, 404),
                new Endpoint("GET", "/app/api/invitations", null, 403, 200, 200, 403),
                new Endpoint("GET", "/app/api/invitations/qr.png", null, 403, 200, 200, 403),
                new Endpoint("GET", "/app/api/queue", null, 403, 403, 403, 200),
                new Endpoint("POST", "/app/api/queue/987654321/approve", null, 403, 403, 403, 404),
                new Endpoint("POST", "/app/api/queue/987654321/reject", "{\"reason\":\"x\"}", 403, 403, 403, 404),
                new Endpoint("GET", "/app/api/deals/board", null, 403, 403, 403, 200),
                new Endpoint("POST", "/app/api/deals/" + fixture.dealOfPartner() + "/move", "{\"status\":\"new\"}", 403, 403, 403, 200),
                new Endpoint("POST", "/app/api/deals/987654321/move", "{\"status\":\"lost\"}", 403, 403, 403, 404));
        for (Endpoint e : endpoints) {
            Function<String, Function<HttpRequest.Builder, HttpRequest.Builder>> with = auth -> b -> {
                HttpRequest.Builder x = e.body() == null ? b : b.header("Content-Type", "application/json");
                return auth == null ? x : x.header("Authorization", auth);
            };
            rows.add(new HttpRow(e.method(), e.path(), Caller.ANONYMOUS, Set.of(401), with.apply(null), e.body()));
            rows.add(new HttpRow(e.method(), e.path(), Caller.WRONG_CREDENTIALS, Set.of(401), with.apply(forged), e.body()));
            rows.add(new HttpRow(e.method(), e.path(), Caller.APPLICANT, Set.of(e.applicant()), with.apply(applicant), e.body()));
            rows.add(new HttpRow(e.method(), e.path(), Caller.OWNER, Set.of(e.partner()), with.apply(partner), e.body()));
            rows.add(new HttpRow(e.method(), e.path(), Caller.OTHER_PARTNER, Set.of(e.other()), with.apply(other), e.body()));
            rows.add(new HttpRow(e.method(), e.path(), Caller.MANAGER, Set.of(e.manager()), with.apply(manager), e.body()));
        }
        return rows;
    }

    /** The session cookie of a logged-in back-office user (rows that need a form login). */
    static volatile String adminSession = "";

    private static String login(int port, String username, String password) throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        String form = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find()).as("CSRF token on the login form").isTrue();
        browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + password + "&_csrf="
                        + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding());
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(c -> "JSESSIONID=" + c.getValue()).findFirst().orElseThrow();
    }

    @Test
    void everyHttpEndpointWorksOnlyForItsOwner() throws Exception {
        adminSession = login(port, "boss", "boss-pass");
        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder("\n| endpoint | caller | expected | got |\n|---|---|---|---|\n");
        List<HttpRow> rows = new ArrayList<>(httpRows());
        rows.addAll(miniAppRows());
        for (HttpRow row : rows) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + row.path()));
            b = row.body() == null ? b.method(row.method(), HttpRequest.BodyPublishers.noBody())
                    : b.method(row.method(), HttpRequest.BodyPublishers.ofString(row.body()));
            int status = http.send(row.how().apply(b).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            table.append("| ").append(row.method()).append(' ').append(row.path()).append(" | ").append(row.caller())
                    .append(" | ").append(row.expected()).append(" | ").append(status).append(" |\n");
            if (!row.expected().contains(status)) wrong.add(row.method() + " " + row.path() + " as " + row.caller() + ": " + status);
        }
        log.info("Authorization matrix (HTTP):{}", table);
        assertThat(wrong).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static long chat(Actor actor) {
        return switch (actor) {
            case ANON -> ANON;
            case PARTNER -> PARTNER;
            case OTHER -> OTHER;
            case MANAGER -> MANAGER;
        };
    }

    /** Sends an input as the actor; a callback value is a payload the bot signs for the actor's own chat. */
    private List<String> send(Actor actor, Inbound.Kind kind, String value) {
        if (kind == Inbound.Kind.CALLBACK) return press(actor, EngineRegistry.sign(context, chat(actor), value));
        long chat = chat(actor);
        return handle(new Inbound(updateIds.incrementAndGet(), chat, chat, "Actor" + chat, null, "en", kind, value,
                null, null, null, null, null, null, null, null));
    }

    private List<String> press(Actor actor, String data) {
        long chat = chat(actor);
        long id = updateIds.incrementAndGet();
        return handle(new Inbound(id, chat, chat, "Actor" + chat, null, "en", Inbound.Kind.CALLBACK, null, data,
                "cb" + id, 1, null, null, null, null, null));
    }

    /** Everything the bot said in the chat because of this input (callback answers included). */
    private List<String> handle(Inbound in) {
        long before = jdbc.sql("SELECT coalesce(max(id), 0) FROM outbox").query(Long.class).single();
        AnsweredPresses.take(in.chatId());
        engine.handle(in);
        List<String> said = new ArrayList<>(jdbc.sql("SELECT coalesce(payload->>'text', payload->>'caption', '') FROM outbox WHERE chat_id = ? AND id > ? ORDER BY id")
                .params(in.chatId(), before).query(String.class).list());
        // the answer to a button press leaves after the commit, without an outbox row
        AnsweredPresses.take(in.chatId()).forEach(a -> said.add(a.text() == null ? "" : a.text()));
        return said.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Null when what was said is what was expected, else why not. */
    private String verdict(List<String> said, Expect expected) {
        if (said.isEmpty()) return "nothing was said";
        if (matches(said, "common.error")) return "an error";
        boolean managersOnly = matches(said, "common.not-manager");
        boolean partnersOnly = matches(said, "partner.not-a-partner") || matches(said, "partner.not-approved-yet");
        boolean buttonRefused = matches(said, "common.button-invalid") || matches(said, "common.button-stale");
        boolean notYours = matches(said, "deal.not-yours");
        boolean already = matches(said, "apply.already-partner");
        boolean refused = managersOnly || partnersOnly || buttonRefused || notYours || already;
        return switch (expected) {
            case WORKS -> refused ? "refused" : null;
            case MANAGERS_ONLY -> managersOnly ? null : "not refused as manager-only";
            case PARTNERS_ONLY -> partnersOnly ? null : "not refused as partner-only";
            case ALREADY_PARTNER -> already ? null : "not told they are a partner already";
            case BUTTON_REFUSED -> buttonRefused ? null : "the button was not refused";
            case NOT_YOURS -> notYours ? null : "not told it is not theirs";
        };
    }

    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    private boolean matches(List<String> said, String key) {
        Pattern p = patterns.computeIfAbsent(key, k -> ChatTester.templatePattern(messages.text("en", k)));
        return said.stream().anyMatch(s -> p.matcher(s).matches());
    }
}
