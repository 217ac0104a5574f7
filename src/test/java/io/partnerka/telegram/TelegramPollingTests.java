package io.partnerka.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnerka.PartnerkaTest;
import io.partnerka.conversation.Chats;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The adapter end to end in long-polling mode against a local Bot API server: updates in through getUpdates (or the
 * {@link TelegramUpdates} entry), answers out through sendMessage. Uses the global commands, which exist whatever
 * features are installed. English clients: /help, /menu, /language and /cancel answer in English.
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TelegramPollingTests {

    static final FakeBotApi api = FakeBotApi.start();
    private static final AtomicLong updateIds = new AtomicLong(10_000);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long MANAGER = 9_100;

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry registry) {
        api.connect(registry, MANAGER);
        registry.add("partnerka.telegram.sweep-interval", () -> "300ms");
        registry.add("partnerka.telegram.rate.per-chat-per-second", () -> "50");
        registry.add("partnerka.telegram.rate.per-chat-burst", () -> "50");
        registry.add("partnerka.telegram.sender.max-attempts", () -> "3");
        registry.add("partnerka.telegram.sender.max-backoff", () -> "1s");
    }

    @Autowired
    TelegramUpdates updates;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    Chats chats;
    @Autowired
    Outbox outbox;
    @Autowired
    BotIdentity identity;
    @Autowired
    InboxProcessor processor;
    @Autowired
    OutboundSender sender;
    @Autowired
    TelegramMetrics metrics;
    @Autowired
    ConversationEngine engine;
    @Autowired
    io.partnerka.conversation.Messages messages;
    TransactionTemplate transactions;

    @Autowired
    void transactions(PlatformTransactionManager manager) {
        transactions = new TransactionTemplate(manager);
    }

    @Test
    void pollingDeliversUpdatesAndTheBotAnswers() {
        long chat = 1001;
        long updateId = updateIds.incrementAndGet();
        api.queueUpdates(FakeBotApi.textUpdate(updateId, chat, "/help"));

        FakeBotApi.Call reply = api.awaitCalls("sendMessage", chat, 1).get(0);
        assertThat(reply.text()).contains("<b>Commands</b>").contains("/menu").contains("/cancel");
        assertThat(reply.param("parse_mode")).isEqualToIgnoringCase("HTML");
        assertThat(processed(updateId)).isTrue();
        assertThat(jdbc.sql("SELECT payload::text FROM telegram_inbox WHERE update_id = ?").param(updateId)
                .query(String.class).single()).as("what was typed is not kept once processed").isEqualTo("{}");
        // polling started by removing any webhook; the next getUpdates confirmed the batch to Telegram
        List<String> methods = api.calls().stream().map(c -> c.method().toLowerCase()).toList();
        assertThat(methods.indexOf("deletewebhook")).isNotNegative().isLessThan(methods.indexOf("getupdates"));
        await().atMost(WAIT).until(() -> api.unconfirmedUpdates() == 0);
    }

    @Test
    void theCommandMenuIsRegisteredPerLanguage_andGetMeNamesTheBot() {
        List<FakeBotApi.Call> calls = api.awaitCalls("setMyCommands",
                c -> "default".equals(c.json("scope").path("type").asText()), 3, WAIT);
        assertThat(calls).extracting(c -> c.param("language_code")).containsExactlyInAnyOrder(null, "ru", "en");
        FakeBotApi.Call en = calls.stream().filter(c -> "en".equals(c.param("language_code"))).findFirst().orElseThrow();
        assertThat(en.json("scope").path("type").asText()).isEqualTo("default");
        List<String> names = new ArrayList<>();
        en.json("commands").forEach(c -> names.add(c.path("command").asText()));
        assertThat(names).containsExactly("start", "menu", "client", "clients", "stats", "balance", "requisites",
                "referral", "training", "kb", "ask", "help", "language", "cancel");
        assertThat(en.json("commands").get(11).path("description").asText()).isEqualTo("What I can do");
        FakeBotApi.Call ru = calls.stream().filter(c -> "ru".equals(c.param("language_code"))).findFirst().orElseThrow();
        assertThat(ru.json("commands").get(11).path("description").asText()).isEqualTo("Что я умею");
        // a manager's chat has a menu of its own
        FakeBotApi.Call manager = api.awaitCalls("setMyCommands", c -> "chat".equals(c.json("scope").path("type").asText())
                && "ru".equals(c.param("language_code")), 1, WAIT).get(0);
        assertThat(manager.json("scope").path("chat_id").asText()).isEqualTo(String.valueOf(MANAGER));
        assertThat(manager.json("commands").get(0).path("command").asText()).isEqualTo("pending");

        await().atMost(WAIT).until(identity::confirmed);
        assertThat(identity.username()).isEqualTo(FakeBotApi.BOT_USERNAME);
        assertThat(identity.id()).isEqualTo(FakeBotApi.BOT_ID);
        assertThat(identity.deepLink("ref_abc")).isEqualTo("https://t.me/" + FakeBotApi.BOT_USERNAME + "?start=ref_abc");
    }

    @Test
    void aRepeatedUpdateIsProcessedOnce() throws InterruptedException {
        long chat = 1002;
        ObjectNode help = FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, "/help");
        updates.receive(List.of(FakeBotApi.toUpdate(help), FakeBotApi.toUpdate(help)));
        updates.receive(List.of(FakeBotApi.toUpdate(help)));

        api.awaitCalls("sendMessage", chat, 1);
        Thread.sleep(500);
        assertThat(api.calls("sendMessage", chat)).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE chat_id = ?").param(chat).query(Long.class).single())
                .isEqualTo(1);
        assertThat(outboxStatuses(chat)).containsExactly("SENT");
    }

    @Test
    void updatesMadeByTheAppGetIdsThatNeverRepeat() {
        int first = updates.newUpdateId();
        int second = updates.newUpdateId();
        assertThat(second).isGreaterThan(first);

        // an id reused with another content is still not processed twice (and the reuse is logged)
        long chat = 1014;
        updates.receive(List.of(FakeBotApi.toUpdate(FakeBotApi.textUpdate(second, chat, "/help"))));
        updates.receive(List.of(FakeBotApi.toUpdate(FakeBotApi.textUpdate(second, chat, "/menu"))));
        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");
        assertThat(jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE chat_id = ?").param(chat).query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void anUpdateRecordedJustBeforeACrashIsProcessedByTheSweep() {
        long recordedOnly = 1003;
        long claimedByADeadWorker = 1004;
        long first = updateIds.incrementAndGet();
        long second = updateIds.incrementAndGet();
        jdbc.sql("INSERT INTO telegram_inbox (update_id, chat_id, payload) VALUES (?, ?, ?::jsonb)")
                .params(first, recordedOnly, FakeBotApi.textUpdate(first, recordedOnly, "/help").toString()).update();
        jdbc.sql("""
                        INSERT INTO telegram_inbox (update_id, chat_id, payload, lease_until, attempts)
                        VALUES (?, ?, ?::jsonb, now() - interval '1 second', 1)""")
                .params(second, claimedByADeadWorker, FakeBotApi.textUpdate(second, claimedByADeadWorker, "/menu").toString())
                .update();

        assertThat(api.awaitCalls("sendMessage", recordedOnly, 1).get(0).text()).contains("<b>Commands</b>");
        assertThat(api.awaitCalls("sendMessage", claimedByADeadWorker, 1).get(0).text()).startsWith("Main menu");
        await().atMost(WAIT).until(() -> processed(first) && processed(second));
    }

    @Test
    void eachChatIsAnsweredInOrder_whileAStuckChatDoesNotHoldUpTheOthers() throws SQLException {
        long slow = 1010;
        long quick = 1011;
        // another transaction holds the slow chat: its worker waits, the other chats' workers go on
        whileHeld(slow, () -> {
            updates.receive(List.of(update(slow, "/menu"), update(quick, "/help"), update(slow, "/language"),
                    update(quick, "/language"), update(slow, "/help"), update(quick, "/cancel")));

            List<FakeBotApi.Call> quickReplies = api.awaitCalls("sendMessage", quick, 3);
            assertThat(quickReplies.get(0).text()).contains("<b>Commands</b>");
            assertThat(quickReplies.get(1).text()).isEqualTo("Choose your language:");
            assertThat(quickReplies.get(2).text()).startsWith("Nothing to cancel");
            assertThat(api.calls("sendMessage", slow)).hasSize(1);
        });
        List<FakeBotApi.Call> slowReplies = api.awaitCalls("sendMessage", slow, 4);
        assertThat(slowReplies.get(1).text()).startsWith("Main menu");
        assertThat(slowReplies.get(2).text()).isEqualTo("Choose your language:");
        assertThat(slowReplies.get(3).text()).contains("<b>Commands</b>");
    }

    @Test
    void aFreshUpdateIsProcessedOnReceipt_inTheTransactionThatRecordsIt_andWaitsBehindAnOpenOne() {
        long chat = 1020;
        Update help = update(chat, "/help");
        updates.receive(List.of(help));
        // done before receive returns: recorded as processed, with no content kept, in the transaction of its work
        assertThat(processed(help.getUpdateId())).isTrue();
        assertThat(jdbc.sql("SELECT payload::text FROM telegram_inbox WHERE update_id = ?").param(help.getUpdateId())
                .query(String.class).single()).isEqualTo("{}");
        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");

        // an earlier update of the chat still open (backing off after a failure): the fresh one waits behind it
        long open = updateIds.incrementAndGet();
        jdbc.sql("""
                        INSERT INTO telegram_inbox (update_id, chat_id, payload, lease_until, attempts)
                        VALUES (?, ?, ?::jsonb, now() + interval '1 second', 1)""")
                .params(open, chat, FakeBotApi.textUpdate(open, chat, "/language").toString()).update();
        Update menu = update(chat, "/menu");
        updates.receive(List.of(menu));
        assertThat(processed(menu.getUpdateId())).as("recorded for the workers, not processed ahead").isFalse();
        List<FakeBotApi.Call> replies = api.awaitCalls("sendMessage", chat, 3);
        assertThat(replies.get(1).text()).isEqualTo("Choose your language:");
        assertThat(replies.get(2).text()).startsWith("Main menu");
    }

    @Test
    void aChatSomeoneElseHoldsDoesNotHoldUpReceiving() throws SQLException {
        long held = 1021;
        long other = 1022;
        whileHeld(held, () -> {
            long started = System.nanoTime();
            updates.receive(List.of(update(held, "/menu"), update(other, "/help")));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the poller is let go").isLessThan(Duration.ofSeconds(3));
            assertThat(api.awaitCalls("sendMessage", other, 1).get(0).text()).contains("<b>Commands</b>");
            assertThat(api.calls("sendMessage", held)).hasSize(1);
        });
        assertThat(api.awaitCalls("sendMessage", held, 2).get(1).text()).startsWith("Main menu");
    }

    @Test
    void manyChatsAtOnceEachInOrder() {
        List<Update> batch = new ArrayList<>();
        String[] script = {"/help", "/language", "/menu", "/cancel"};
        for (String command : script) {
            for (long chat = 1100; chat < 1106; chat++) batch.add(update(chat, command));
        }
        updates.receive(batch);
        for (long chat = 1100; chat < 1106; chat++) {
            List<FakeBotApi.Call> replies = api.awaitCalls("sendMessage", chat, 4);
            assertThat(replies.get(0).text()).contains("<b>Commands</b>");
            assertThat(replies.get(1).text()).isEqualTo("Choose your language:");
            assertThat(replies.get(2).text()).startsWith("Main menu");
            assertThat(replies.get(3).text()).startsWith("Nothing to cancel");
        }
    }

    @Test
    void chatsReceivedTogetherAreCommittedTogether_eachInOrder() {
        // more chats than workers: a job does several chats' updates in one transaction, whose start time they share
        List<Update> batch = new ArrayList<>();
        for (String command : new String[]{"/help", "/menu"}) {
            for (long chat = 1200; chat < 1224; chat++) batch.add(update(chat, command));
        }
        updates.receive(batch);
        Long[] ids = batch.stream().map(u -> (long) u.getUpdateId()).toArray(Long[]::new);
        assertThat(jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE update_id = ANY(?) AND processed_at IS NOT NULL")
                .param(ids).query(Long.class).single()).as("all done on receipt").isEqualTo(48);
        assertThat(jdbc.sql("SELECT count(DISTINCT processed_at) FROM telegram_inbox WHERE update_id = ANY(?)")
                .param(ids).query(Long.class).single()).as("one commit a job, not one an update").isLessThanOrEqualTo(8);
        for (long chat = 1200; chat < 1224; chat++) {
            List<FakeBotApi.Call> replies = api.awaitCalls("sendMessage", chat, 2);
            assertThat(replies.get(0).text()).contains("<b>Commands</b>");
            assertThat(replies.get(1).text()).startsWith("Main menu");
        }
    }

    @Test
    void oneChatsFailureUndoesNoOtherChatsWorkReceivedWithIt() {
        long failing = 1250;
        jdbc.sql("""
                CREATE OR REPLACE FUNCTION test_unsavable_chat() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.chat_id = 1250 THEN RAISE EXCEPTION 'test: this chat cannot be saved'; END IF;
                    RETURN NEW;
                END $$""").update();
        jdbc.sql("CREATE TRIGGER test_unsavable_chat BEFORE UPDATE ON chat FOR EACH ROW EXECUTE FUNCTION test_unsavable_chat()").update();
        try {
            List<Update> batch = new ArrayList<>();
            for (long chat = 1240; chat < 1264; chat++) batch.add(update(chat, "/help"));
            updates.receive(batch);
            for (long chat = 1240; chat < 1264; chat++) {
                String said = api.awaitCalls("sendMessage", chat, 1).get(0).text();
                if (chat == failing) assertThat(said).isEqualTo(messages.text("en", "common.error", Map.of()));
                else assertThat(said).as("chat %d", chat).contains("<b>Commands</b>");
            }
            for (Update u : batch) assertThat(processed(u.getUpdateId())).isTrue();
        } finally {
            jdbc.sql("DROP TRIGGER test_unsavable_chat ON chat").update();
            jdbc.sql("DROP FUNCTION test_unsavable_chat()").update();
        }
    }

    @Test
    void aHeldChatAmongManyHoldsUpNoneOfTheOthers() throws SQLException {
        long held = 1270;
        whileHeld(held, () -> {
            List<Update> batch = new ArrayList<>();
            for (long chat = held; chat < held + 24; chat++) batch.add(update(chat, chat == held ? "/menu" : "/help"));
            long started = System.nanoTime();
            updates.receive(batch);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the poller is let go").isLessThan(Duration.ofSeconds(3));
            for (long chat = held + 1; chat < held + 24; chat++) {
                assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");
            }
            assertThat(api.calls("sendMessage", held)).hasSize(1);
        });
        assertThat(api.awaitCalls("sendMessage", held, 2).get(1).text()).startsWith("Main menu");
    }

    @Test
    void a429IsRetriedAfterRetryAfter_andSlowsTheSenderDown() {
        long chat = 1005;
        api.failNext("sendMessage", c -> Long.valueOf(chat).equals(c.chatId()), FakeBotApi.tooManyRequests(1));
        updates.receive(List.of(update(chat, "/help")));

        List<FakeBotApi.Call> attempts = api.awaitCalls("sendMessage", chat, 2);
        Duration waited = Duration.between(attempts.get(0).at(), attempts.get(1).at());
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> outboxStatuses(chat).equals(List.of("SENT")));
        assertThat(sender.limits().currentGlobalPerSecond()).isLessThan(30);
    }

    @Test
    void a403MarksThePersonUnreachable_andNothingMoreIsSentUntilTheyWriteAgain() {
        long chat = 1006;
        api.failNext("sendMessage", c -> Long.valueOf(chat).equals(c.chatId()), FakeBotApi.forbidden());
        updates.receive(List.of(update(chat, "/help")));
        api.awaitCalls("sendMessage", chat, 1);
        await().atMost(WAIT).until(() -> chats.isUnreachable(chat));

        outbox.send(chat, Reply.Text.of("A notification while blocked"));
        await().atMost(WAIT).until(() -> !outboxStatuses(chat).contains("PENDING") && !outboxStatuses(chat).contains("SENDING"));
        assertThat(api.calls("sendMessage", chat)).hasSize(1);

        updates.receive(List.of(update(chat, "/menu")));
        assertThat(api.awaitCalls("sendMessage", chat, 2).get(1).text()).startsWith("Main menu");
        assertThat(chats.isUnreachable(chat)).isFalse();
    }

    @Test
    void blockingTheBotIsNoticedFromTheMembershipUpdate() {
        long chat = 1012;
        updates.receive(List.of(update(chat, "/help")));
        api.awaitCalls("sendMessage", chat, 1);

        ObjectNode change = FakeBotApi.update(updateIds.incrementAndGet(), "my_chat_member", membership(chat, "kicked"));
        updates.receive(List.of(FakeBotApi.toUpdate(change)));
        await().atMost(WAIT).until(() -> chats.isUnreachable(chat));
    }

    @Test
    void serverErrorsAreRetriedWithBackoff_thenGivenUp() {
        long retried = 1007;
        api.failNext("sendMessage", c -> Long.valueOf(retried).equals(c.chatId()), FakeBotApi.serverError());
        long givenUp = 1008;
        api.failNext("sendMessage", c -> Long.valueOf(givenUp).equals(c.chatId()), 10, FakeBotApi.serverError());
        updates.receive(List.of(update(retried, "/help"), update(givenUp, "/help")));

        List<FakeBotApi.Call> attempts = api.awaitCalls("sendMessage", retried, 2);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        await().atMost(WAIT).until(() -> outboxStatuses(retried).equals(List.of("SENT")));

        await().atMost(WAIT).until(() -> outboxStatuses(givenUp).equals(List.of("FAILED")));
        assertThat(api.calls("sendMessage", givenUp)).hasSize(3); // partnerka.telegram.sender.max-attempts
    }

    /** Sends /language and gives back the signed callback data of its English button. */
    private String englishButton(long chat) {
        updates.receive(List.of(update(chat, "/language")));
        FakeBotApi.Call choice = api.awaitCalls("sendMessage", chat, 1).get(0);
        String english = null;
        for (JsonNode row : choice.json("reply_markup").path("inline_keyboard")) {
            String data = row.get(0).path("callback_data").asText();
            if (data.startsWith("lang:en")) english = data;
        }
        assertThat(english).isNotNull();
        return english;
    }

    @Test
    void aFailedOptionalCallBreaksNothing() {
        long chat = 1009;
        String english = englishButton(chat);

        long press = updateIds.incrementAndGet();
        api.failNext("answerCallbackQuery", c -> ("cbq" + press).equals(c.param("callback_query_id")),
                FakeBotApi.badRequest("query is too old and response timeout expired or query ID is invalid"));
        int sentMessageId = 1; // the fake's message ids do not matter to the engine
        updates.receive(List.of(FakeBotApi.toUpdate(FakeBotApi.callbackUpdate(press, chat, english, sentMessageId))));

        api.awaitCalls("answerCallbackQuery", c -> ("cbq" + press).equals(c.param("callback_query_id")), 1, WAIT);
        assertThat(api.awaitCalls("sendMessage", chat, 2).get(1).text()).isEqualTo("Done, I will speak English now.");
        await().atMost(WAIT).until(() -> statusesByType(chat).equals(Map.of("text", Set.of("SENT"))));
        // not tried again: an answer that failed is dropped
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> api.calls("answerCallbackQuery").stream()
                .filter(c -> ("cbq" + press).equals(c.param("callback_query_id"))).count() == 1);
    }

    @Test
    void aButtonPressIsAnsweredAfterTheCommit_withoutAnOutboxRow() {
        long chat = 1016;
        String english = englishButton(chat);
        long press = updateIds.incrementAndGet();
        updates.receive(List.of(FakeBotApi.toUpdate(FakeBotApi.callbackUpdate(press, chat, english, 1))));

        FakeBotApi.Call answer = api.awaitCalls("answerCallbackQuery",
                c -> ("cbq" + press).equals(c.param("callback_query_id")), 1, WAIT).get(0);
        assertThat(answer.param("text")).isNull();
        assertThat(api.awaitCalls("sendMessage", chat, 2).get(1).text()).isEqualTo("Done, I will speak English now.");
        await().atMost(WAIT).until(() -> processed(press));
        await().atMost(WAIT).until(() -> outboxStatuses(chat).equals(List.of("SENT", "SENT")));
        assertThat(statusesByType(chat)).as("the choice and the confirmation; the answer has no row").containsOnlyKeys("text");
        assertThat(api.calls("answerCallbackQuery").stream()
                .filter(c -> ("cbq" + press).equals(c.param("callback_query_id")))).hasSize(1);

        // a press whose transaction rolls back is not answered (nor is anything else of it sent); the same press
        // committed is
        Inbound rolledBack = pressOf(updateIds.incrementAndGet(), chat, english);
        transactions.executeWithoutResult(status -> {
            engine.process(rolledBack);
            status.setRollbackOnly();
        });
        Inbound committed = pressOf(updateIds.incrementAndGet(), chat, english);
        transactions.executeWithoutResult(status -> engine.process(committed));
        api.awaitCalls("answerCallbackQuery", c -> committed.callbackId().equals(c.param("callback_query_id")), 1, WAIT);
        assertThat(api.awaitCalls("sendMessage", chat, 3)).hasSize(3);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> api.calls("answerCallbackQuery").stream()
                .noneMatch(c -> rolledBack.callbackId().equals(c.param("callback_query_id")))
                && api.calls("sendMessage", chat).size() == 3);
        assertThat(statusesByType(chat)).containsOnlyKeys("text");
    }

    @Test
    void aReplyThatMustWaitKeepsTheChatsLaterRepliesBehindIt() {
        // two replies written in one transaction, handed to the sender in memory; the first draws a 429: the second
        // must not overtake it
        long chat = 1015;
        updates.receive(List.of(update(chat, "/help")));
        api.awaitCalls("sendMessage", chat, 1);
        await().atMost(WAIT).until(() -> outboxStatuses(chat).equals(List.of("SENT")));

        api.failNext("sendMessage", c -> Long.valueOf(chat).equals(c.chatId()), FakeBotApi.tooManyRequests(1));
        transactions.executeWithoutResult(status -> {
            outbox.send(chat, Reply.Text.of("first"));
            outbox.send(chat, Reply.Text.of("second"));
        });

        List<FakeBotApi.Call> texts = api.awaitCalls("sendMessage", chat, 4); // /help, the 429, the retry, the second
        assertThat(texts.subList(1, 4)).extracting(FakeBotApi.Call::text).containsExactly("first", "first", "second");
        assertThat(Duration.between(texts.get(1).at(), texts.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        await().atMost(WAIT).until(() -> outboxStatuses(chat).equals(List.of("SENT", "SENT", "SENT")));
        assertThat(api.calls("sendMessage", chat)).hasSize(4);
    }

    private static Inbound pressOf(long updateId, long chat, String data) {
        return new Inbound(updateId, chat, chat, "Press", null, "en", Inbound.Kind.CALLBACK, null, data, "cbq" + updateId,
                1, null, null, null, null, null);
    }

    @Test
    void groupsGetAPoliteHint_andTheirChatterIsIgnored() {
        await().atMost(WAIT).until(identity::confirmed);
        long group = -2001;
        ObjectNode command = FakeBotApi.message(3001, 1).put("text", "/help@" + FakeBotApi.BOT_USERNAME);
        command.putObject("chat").put("id", group).put("type", "group").put("title", "Partners");
        ObjectNode otherBot = FakeBotApi.message(3001, 2).put("text", "/help@some_other_bot");
        otherBot.putObject("chat").put("id", group).put("type", "group").put("title", "Partners");
        ObjectNode chatter = FakeBotApi.message(3001, 3).put("text", "hello everyone");
        chatter.putObject("chat").put("id", group).put("type", "group").put("title", "Partners");
        long chatterId = updateIds.incrementAndGet();
        updates.receive(List.of(
                FakeBotApi.toUpdate(FakeBotApi.update(updateIds.incrementAndGet(), "message", command)),
                FakeBotApi.toUpdate(FakeBotApi.update(updateIds.incrementAndGet(), "message", otherBot)),
                FakeBotApi.toUpdate(FakeBotApi.update(chatterId, "message", chatter))));

        FakeBotApi.Call hint = api.awaitCalls("sendMessage", group, 1).get(0);
        assertThat(hint.text()).contains("https://t.me/" + FakeBotApi.BOT_USERNAME);
        assertThat(processed(chatterId)).isTrue();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> api.calls("sendMessage", group).size() == 1);
    }

    @Test
    void receivingWaitsWhileTheDatabaseIsDown_andNeverThrows() throws InterruptedException {
        AtomicBoolean down = new AtomicBoolean(true);
        DataSource flaky = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                if (down.get()) throw new SQLException("Connection refused (simulated outage)");
                return super.getConnection();
            }
        };
        // the recording path alone (processing on receipt with the database away: DatabaseOutageDrillTests)
        UpdateReceiver receiver = new UpdateReceiver(new Inbox(JdbcClient.create(flaky)), processor, metrics, false, 8);
        long chat = 1013;
        Update help = update(chat, "/help");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread poller = new Thread(() -> receiver.receive(List.of(help)));
        poller.setUncaughtExceptionHandler((t, e) -> thrown.set(e));
        poller.start();

        Thread.sleep(700);
        assertThat(poller.isAlive()).as("the poller is held, so the batch is not confirmed").isTrue();
        assertThat(inboxRows(help.getUpdateId())).isZero();
        down.set(false);
        poller.join(5_000);
        assertThat(poller.isAlive()).isFalse();
        assertThat(thrown.get()).isNull();
        assertThat(inboxRows(help.getUpdateId())).isOne();
        assertThat(api.awaitCalls("sendMessage", chat, 1).get(0).text()).contains("<b>Commands</b>");

        // a webhook call does not wait forever; an app shutting down lets the poller go
        down.set(true);
        assertThat(receiver.store(List.of(update(chat, "/menu")), Duration.ofMillis(300))).isFalse();
        Thread stopping = new Thread(() -> receiver.receive(List.of(update(chat, "/menu"))));
        stopping.setUncaughtExceptionHandler((t, e) -> thrown.set(e));
        stopping.start();
        Thread.sleep(300);
        receiver.stop();
        stopping.join(2_000);
        assertThat(stopping.isAlive()).isFalse();
        assertThat(thrown.get()).isNull();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /**
     * The chat is answered once (so it has a row), then {@code meanwhile} runs while another transaction holds that
     * row, as a long piece of work would.
     */
    private void whileHeld(long chat, Runnable meanwhile) throws SQLException {
        updates.receive(List.of(update(chat, "/help")));
        api.awaitCalls("sendMessage", chat, 1);
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("SELECT 1 FROM chat WHERE chat_id = " + chat + " FOR UPDATE");
            meanwhile.run();
            lock.rollback();
        }
    }

    private static Update update(long chat, String text) {
        return FakeBotApi.toUpdate(FakeBotApi.textUpdate(updateIds.incrementAndGet(), chat, text));
    }

    private static ObjectNode membership(long chat, String status) {
        ObjectNode change = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        change.set("chat", FakeBotApi.privateChat(chat));
        change.set("from", FakeBotApi.user(chat, "en"));
        change.put("date", 1700000000);
        ObjectNode bot = change.objectNode().put("id", FakeBotApi.BOT_ID).put("is_bot", true).put("first_name", "Bot");
        change.putObject("old_chat_member").put("status", "member").set("user", bot);
        change.putObject("new_chat_member").put("status", status).put("until_date", 0).set("user", bot);
        return change;
    }

    private boolean processed(long updateId) {
        return jdbc.sql("SELECT processed_at IS NOT NULL FROM telegram_inbox WHERE update_id = ?").param(updateId)
                .query(Boolean.class).optional().orElse(false);
    }

    private long inboxRows(long updateId) {
        return jdbc.sql("SELECT count(*) FROM telegram_inbox WHERE update_id = ?").param(updateId).query(Long.class).single();
    }

    private Map<String, Set<String>> statusesByType(long chat) {
        Map<String, Set<String>> result = new java.util.HashMap<>();
        jdbc.sql("SELECT payload->>'type', status FROM outbox WHERE chat_id = ?").param(chat)
                .query((rs, n) -> result.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getString(2)))
                .list();
        return result;
    }

    private List<String> outboxStatuses(long chat) {
        return jdbc.sql("SELECT status FROM outbox WHERE chat_id = ? ORDER BY id").param(chat).query(String.class).list();
    }
}
