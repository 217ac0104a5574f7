package io.partnerka.miniapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.approval.Decider;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.payout.PayoutTestBase;
import io.partnerka.testing.ChatTester;
import io.partnerka.testing.InitData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Mini App API over real HTTP, on the deal tests' context (sandbox mode: initData is signed with the sandbox's
 * own token). Signatures are computed by {@link InitData}, independently of the application's signer.
 */
class MiniAppApiTests extends PayoutTestBase {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final ExecutorService pool = Executors.newFixedThreadPool(4);

    @LocalServerPort int port;

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    record Answer(int status, JsonNode body, String raw) {
    }

    private Answer call(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) b.header("Authorization", authorization);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = null;
        if (r.headers().firstValue("Content-Type").orElse("").contains("json") && !r.body().isEmpty()) node = json.readTree(r.body());
        return new Answer(r.statusCode(), node, r.body());
    }

    private static String as(long userId, String name) {
        return InitData.header(InitData.SANDBOX_TOKEN, userId, name, "ru");
    }

    private static String as(ChatTester chat) {
        return as(chat.userId(), "Partner");
    }

    @Test
    void theHeaderIsCheckedAsTelegramDocumentsIt() throws Exception {
        ChatTester partner = approvedPartner("Анна Header");
        long user = partner.userId();
        String valid = InitData.signed(InitData.SANDBOX_TOKEN, user, "Anna", "en");

        Answer ok = call("GET", "/app/api/me", "tma " + valid, null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().get("role").asString()).isEqualTo("partner");
        assertThat(ok.body().get("userId").asLong()).isEqualTo(user);
        assertThat(ok.body().get("balance").get("available").get("amount").asString()).isEqualTo("0.00");

        // one character of the hash changed
        String hash = valid.substring(valid.indexOf("hash=") + 5);
        String forged = valid.replace(hash, (hash.charAt(0) == 'a' ? "b" : "a") + hash.substring(1));
        // the user id changed after signing: the signature no longer fits
        String otherUser = valid.replace("%22id%22%3A" + user, "%22id%22%3A" + (user + 1));
        assertThat(otherUser).isNotEqualTo(valid);
        String otherBot = InitData.signed("123456:another-bots-token", user, "Anna", "en");
        String old = InitData.signed(InitData.SANDBOX_TOKEN, user, "Anna", "en", Instant.now().minus(Duration.ofHours(25)));
        String future = InitData.signed(InitData.SANDBOX_TOKEN, user, "Anna", "en", Instant.now().plus(Duration.ofHours(1)));
        for (String refused : List.of("tma " + forged, "tma " + otherUser, "tma " + otherBot, "tma " + old, "tma " + future,
                "Bearer " + valid, valid, "tma ", "tma hash=00")) {
            Answer a = call("GET", "/app/api/me", refused, null);
            assertThat(a.status()).as(refused).isEqualTo(401);
            assertThat(a.body().get("error").asString()).isEqualTo("unauthorized");
        }
        assertThat(call("GET", "/app/api/me", null, null).status()).isEqualTo(401);
        // a day minus a minute is still fine (the default maximum age is 24 h)
        String dayOld = InitData.signed(InitData.SANDBOX_TOKEN, user, "Anna", "en", Instant.now().minus(Duration.ofHours(23)));
        assertThat(call("GET", "/app/api/me", "tma " + dayOld, null).status()).isEqualTo(200);
    }

    @Test
    void rolesAreWhatTheBotKnowsAndManagerViewsAreForManagersOnly() throws Exception {
        ChatTester partner = approvedPartner("Анна Roles");
        assertThat(call("GET", "/app/api/me", as(MANAGER, "Мария"), null).body().get("role").asString()).isEqualTo("manager");
        ChatTester applicant = personWithStatus("PENDING_REVIEW");
        Answer me = call("GET", "/app/api/me", as(applicant), null);
        assertThat(me.body().get("role").asString()).isEqualTo("applicant");
        assertThat(me.body().get("balance").isNull()).isTrue();
        assertThat(call("GET", "/app/api/home", as(applicant), null).status()).isEqualTo(403);
        for (String path : List.of("/app/api/queue", "/app/api/deals/board")) {
            assertThat(call("GET", path, as(partner), null).status()).as(path).isEqualTo(403);
            assertThat(call("GET", path, as(MANAGER, "Мария"), null).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void aPartnerSubmitsAClientAndRequestsAPayoutAManagerApprovesAndMovesTheDealAndThePartnerIsTold() throws Exception {
        ChatTester partner = approvedPartner("Анна Mini");
        approvedRequisites(partner, "Анна Mini");
        paidDeal(partner, "Paid Client", "100000.00");
        partner.poll();
        String auth = as(partner);
        String manager = as(MANAGER, "Мария");

        Answer home = call("GET", "/app/api/home", auth, null);
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body().get("balance").get("available").get("amount").asString()).isEqualTo("15000.00");
        assertThat(home.body().get("months")).hasSize(6);
        assertThat(home.body().get("tier").get("paidClients").asInt()).isEqualTo(1);

        // the same validation as the chat: a bad phone is refused with the chat's words, under the phone field
        Answer bad = call("POST", "/app/api/clients", auth, "{\"name\":\"Ivan Client\",\"phone\":\"12\",\"product\":\"accounting\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("field").asString()).isEqualTo("phone");
        assertThat(bad.body().get("message").asString()).isEqualTo(messages.text("ru", "validation.other-phone").replaceAll("<[^>]+>", ""));

        String phone = newPhone();
        Answer created = call("POST", "/app/api/clients", auth,
                "{\"name\":\"Ivan Client\",\"phone\":\"" + phone + "\",\"product\":\"accounting\",\"comment\":\"call after 5\"}");
        assertThat(created.status()).isEqualTo(201);
        long dealId = created.body().get("id").asLong();
        // another partner with the same phone: the chat's neutral duplicate refusal
        ChatTester other = approvedPartner("Олег Other");
        Answer dup = call("POST", "/app/api/clients", as(other), "{\"name\":\"Ivan\",\"phone\":\"" + phone + "\",\"product\":\"accounting\"}");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.body().get("field").asString()).isEqualTo("phone");

        Answer clients = call("GET", "/app/api/clients?q=ivan", auth, null);
        assertThat(clients.body().get("clients")).hasSize(1);
        assertThat(clients.body().get("clients").get(0).get("phone").asString()).doesNotContain(phone.substring(5, 9));

        // a payout of everything available; the same key again is the same request
        String key = UUID.randomUUID().toString();
        Answer payout = call("POST", "/app/api/payouts", auth, "{\"amount\":\"all\",\"key\":\"" + key + "\"}");
        assertThat(payout.status()).isEqualTo(201);
        long payoutId = payout.body().get("id").asLong();
        assertThat(call("POST", "/app/api/payouts", auth, "{\"amount\":\"all\",\"key\":\"" + key + "\"}").body().get("id").asLong())
                .isEqualTo(payoutId);
        Answer list = call("GET", "/app/api/payouts", auth, null);
        assertThat(list.body().get("requests").get(0).get("status").asString()).isEqualTo("REQUESTED");
        assertThat(list.body().get("requisites").get("masked").asString()).contains("1111").doesNotContain("4111");
        assertThat(call("GET", "/app/api/payouts/" + payoutId + "/invoice.pdf", auth, null).raw()).startsWith("%PDF");
        // someone else's invoice looks exactly like one that does not exist
        assertThat(call("GET", "/app/api/payouts/" + payoutId + "/invoice.pdf", as(other), null).status()).isEqualTo(404);
        assertThat(call("GET", "/app/api/payouts/987654321/invoice.pdf", as(other), null).status()).isEqualTo(404);

        // the manager's queue has it, with the bot's card; approving tells the partner as in the chat
        long item = openItem("payout", payoutId);
        Answer queue = call("GET", "/app/api/queue", manager, null);
        assertThat(queue.body().get("items").valueStream().map(i -> i.get("id").asLong())).contains(item);
        partner.poll();
        assertThat(call("POST", "/app/api/queue/" + item + "/approve", manager, null).status()).isEqualTo(200);
        partner.poll();
        partner.expect("payout.queued");
        Answer again = call("POST", "/app/api/queue/" + item + "/approve", manager, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("message").asString()).contains("Мария");
        assertThat(audit("approval.approved", "payout#" + payoutId)).isEqualTo(1);

        // the manager moves the new client's deal: the partner reads the same message as when it is moved in the chat
        Answer board = call("GET", "/app/api/deals/board", manager, null);
        assertThat(board.body().get("next").get("new").valueStream().map(JsonNode::asString)).contains("in_progress");
        Answer moved = call("POST", "/app/api/deals/" + dealId + "/move", manager, "{\"status\":\"in_progress\",\"comment\":\"Called\"}");
        assertThat(moved.status()).isEqualTo(200);
        partner.poll();
        partner.expect("deal.notify.status");
        assertThat(audit("deal.moved", "deal#" + dealId)).isEqualTo(1);
        // paid without an amount: refused, nothing changes
        Answer noAmount = call("POST", "/app/api/deals/" + dealId + "/move", manager, "{\"status\":\"paid\"}");
        assertThat(noAmount.status()).isEqualTo(400);
        Answer paid = call("POST", "/app/api/deals/" + dealId + "/move", manager,
                "{\"status\":\"contract\"}");
        assertThat(paid.status()).isEqualTo(200);
        Answer history = call("GET", "/app/api/clients", auth, null);
        JsonNode client = history.body().get("clients").valueStream().filter(c -> c.get("id").asLong() == dealId).findFirst().orElseThrow();
        assertThat(client.get("status").asString()).isEqualTo("contract");
        assertThat(client.get("history")).hasSize(3);
        // a partner cannot move deals or decide
        assertThat(call("POST", "/app/api/deals/" + dealId + "/move", auth, "{\"status\":\"lost\"}").status()).isEqualTo(403);
        assertThat(call("POST", "/app/api/queue/" + item + "/reject", auth, "{\"reason\":\"x\"}").status()).isEqualTo(403);
    }

    @Test
    void aDecisionAndAMoveRacingTheBotHappenOnceWithOneAuditEntryAndOneMessage() throws Exception {
        ChatTester partner = approvedPartner("Анна Race");
        approvedRequisites(partner, "Анна Race");
        for (int round = 0; round < 4; round++) {
            paidDeal(partner, "Race Client " + round, "10000.00");
            long payoutId = payouts.request(partner.userId(), null, "RUB", "race-" + round + "-" + UUID.randomUUID()).payout().id();
            long item = openItem("payout", payoutId);
            DealView deal = submit(partner, "Moving Client " + round);
            partner.poll();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            all.add(pool.submit(() -> {
                start.await();
                return call("POST", "/app/api/queue/" + item + "/approve", as(MANAGER, "Мария"), null).status();
            }));
            all.add(pool.submit(() -> {
                start.await();
                try {
                    approvals.approve(item, Decider.telegram(OTHER_MANAGER, "Борис"));
                } catch (io.partnerka.conversation.UserError lost) {
                    assertThat(lost.key()).isEqualTo("approval.already-decided");
                }
                return null;
            }));
            all.add(pool.submit(() -> {
                start.await();
                return call("POST", "/app/api/deals/" + deal.id() + "/move", as(MANAGER, "Мария"), "{\"status\":\"in_progress\"}").status();
            }));
            all.add(pool.submit(() -> {
                start.await();
                // the bot's manager flow: the same Deals.change, source "manager"
                deals.change(deal.id(), new DealChange("in_progress", null, null, null, false, null, "manager", OTHER_MANAGER, "Борис"));
                return null;
            }));
            start.countDown();
            for (Future<?> f : all) {
                Object status = f.get();
                if (status instanceof Integer s) assertThat(s).isIn(200, 409);
            }
            assertThat(audit("approval.approved", "payout#" + payoutId)).isEqualTo(1);
            assertThat(audit("deal.moved", "deal#" + deal.id())).isEqualTo(1);
            List<ChatTester.Said> told = partner.poll();
            assertThat(told.stream().filter(s -> s.text() != null && s.text().contains("#" + deal.id() + ")"))).hasSize(1);
            assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE chat_id = ? AND payload::text LIKE ?")
                    .params(partner.userId(), "%" + messages.text("ru", "payout.queued").substring(0, 12).replace("%", "") + "%")
                    .query(Integer.class).single()).isEqualTo(round + 1);
        }
    }

    @Test
    void partnerViewsAnswerAndOtherPartnersSeeOnlyTheirOwn() throws Exception {
        ChatTester partner = approvedPartner("Анна Views");
        ChatTester other = approvedPartner("Олег Views");
        DealView mine = submit(partner, "Secret Client Views");
        for (String path : List.of("/app/api/products", "/app/api/training", "/app/api/kb", "/app/api/kb?q=commission",
                "/app/api/invitations", "/app/api/payouts", "/app/api/home")) {
            assertThat(call("GET", path, as(partner), null).status()).as(path).isEqualTo(200);
        }
        assertThat(call("GET", "/app/api/invitations/qr.png", as(partner), null).status()).isEqualTo(200);
        assertThat(call("GET", "/app/api/invitations", as(partner), null).body().get("link").asString()).contains("?start=ref_");
        Answer theirs = call("GET", "/app/api/clients", as(other), null);
        assertThat(theirs.raw()).doesNotContain("Secret Client Views").doesNotContain("\"id\":" + mine.id() + ",");
        JsonNode sections = call("GET", "/app/api/kb", as(partner), null).body().get("sections");
        if (!sections.isEmpty()) {
            String articleId = sections.get(0).get("articles").get(0).get("id").asString();
            assertThat(call("GET", "/app/api/kb/" + articleId, as(partner), null).body().get("html").asString()).isNotBlank();
        }
        assertThat(call("GET", "/app/api/kb/no.such", as(partner), null).status()).isEqualTo(404);
        // requisites through the API go to approval as in the chat; a second change while one waits is a conflict
        Answer req = call("POST", "/app/api/requisites", as(partner),
                "{\"method\":\"card\",\"account\":\"4111 1111 1111 1111\",\"legalName\":\"Анна Views\",\"currency\":\"RUB\"}");
        assertThat(req.status()).isEqualTo(202);
        assertThat(req.body().get("masked").asString()).doesNotContain("4111 1111");
        assertThat(call("POST", "/app/api/requisites", as(partner),
                "{\"method\":\"card\",\"account\":\"4111 1111 1111 1111\",\"legalName\":\"Анна Views\",\"currency\":\"RUB\"}").status()).isEqualTo(409);
        Answer badCard = call("POST", "/app/api/requisites", as(other),
                "{\"method\":\"card\",\"account\":\"4111 1111 1111 1112\",\"legalName\":\"Олег\",\"currency\":\"RUB\"}");
        assertThat(badCard.status()).isEqualTo(400);
        assertThat(badCard.body().get("field").asString()).isEqualTo("account");
    }

    @Test
    void theBoardGivesEachColumnsFirstCardsWithItsSizeAndTheRestAPageAtATime() throws Exception {
        ChatTester partner = approvedPartner("Анна Board");
        for (int i = 0; i < 23; i++) {
            assertThat(call("POST", "/app/api/clients", as(partner), "{\"name\":\"Board Client " + i + "\",\"phone\":\""
                    + newPhone() + "\",\"product\":\"accounting\"}").status()).isEqualTo(201);
        }
        String manager = as(MANAGER, "Мария");
        List<Long> inNew = jdbc.sql("SELECT id FROM deal WHERE status = 'new' ORDER BY status_changed_at, id").query(Long.class).list();
        JsonNode column = call("GET", "/app/api/deals/board", manager, null).body().get("columns").valueStream()
                .filter(c -> c.get("status").asString().equals("new")).findFirst().orElseThrow();
        assertThat(column.get("total").asInt()).isEqualTo(inNew.size());
        assertThat(column.get("deals")).hasSize(20);
        List<Long> shown = new ArrayList<>(column.get("deals").valueStream().map(d -> d.get("id").asLong()).toList());
        while (shown.size() < inNew.size()) {
            JsonNode page = call("GET", "/app/api/deals/board?status=new&offset=" + shown.size(), manager, null).body();
            assertThat(page.get("columns")).hasSize(1);
            assertThat(page.get("columns").get(0).get("deals").size()).isBetween(1, 50);
            page.get("columns").get(0).get("deals").valueStream().forEach(d -> shown.add(d.get("id").asLong()));
        }
        // every deal of the column once, the longest unchanged first, as the bot's /deals orders them
        assertThat(shown).isEqualTo(inNew);
        assertThat(call("GET", "/app/api/deals/board?status=no_such", manager, null).status()).isEqualTo(404);
        assertThat(call("GET", "/app/api/deals/board?status=new&offset=-1", manager, null).status()).isEqualTo(404);
        assertThat(call("GET", "/app/api/deals/board?status=new", as(partner), null).status()).isEqualTo(403);
    }

    @Test
    void queueCardsReadTogetherEachShowTheirOwnPartner() throws Exception {
        ChatTester anna = approvedPartner("Анна Cards");
        ChatTester oleg = approvedPartner("Олег Cards");
        approvedRequisites(anna, "Анна Cards");
        approvedRequisites(oleg, "Олег Cards");
        paidDeal(anna, "Cards Client A", "100000.00");
        paidDeal(oleg, "Cards Client B", "20000.00");
        long annaPayout = call("POST", "/app/api/payouts", as(anna), "{\"amount\":\"5000\",\"key\":\"" + UUID.randomUUID() + "\"}")
                .body().get("id").asLong();
        long olegPayout = call("POST", "/app/api/payouts", as(oleg), "{\"amount\":\"all\",\"key\":\"" + UUID.randomUUID() + "\"}")
                .body().get("id").asLong();
        var views = List.of(approvals.find(openItem("payout", annaPayout)).orElseThrow(),
                approvals.find(openItem("payout", olegPayout)).orElseThrow());
        var cards = approvals.cardTexts(views, "en");
        // Anna: 15,000 earned, 5,000 held → 10,000 left; Oleg asked for all of his 3,000 → nothing left
        assertThat(cards.get(views.get(0).id())).contains("Анна Cards").contains("5,000").contains("10,000").doesNotContain("Олег");
        assertThat(cards.get(views.get(1).id())).contains("Олег Cards").contains("3,000").doesNotContain("Анна");
        // the one-card path (the bot's card) reads the same
        assertThat(approvals.cardText(views.get(1), "en")).isEqualTo(cards.get(views.get(1).id()));
    }

    @Test
    void theSandboxSignsInitDataForAPersona() throws Exception {
        JsonNode personas = call("GET", "/sandbox/api/personas", null, null).body();
        long id = personas.get(0).get("id").asLong();
        Answer init = call("GET", "/sandbox/api/chats/" + id + "/miniapp-init-data", null, null);
        assertThat(init.status()).isEqualTo(200);
        Answer me = call("GET", "/app/api/me", "tma " + init.body().get("initData").asString(), null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("userId").asLong()).isEqualTo(id);
    }

    private int audit(String action, String subject) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE action = ? AND subject = ?").params(action, subject)
                .query(Integer.class).single();
    }

}
