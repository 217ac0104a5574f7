package io.partnerka.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox's two lanes, claim by claim: what a transaction handling a chat's update writes to that chat (a reply)
 * goes before the notifications queued for the chat, even older ones; each lane keeps its order; a chat never has two
 * messages out at once. The application's sender is stopped: the test claims, and takes the hand-off itself.
 */
@PartnerkaTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OutboxLaneTests {

    private static final AtomicLong CHATS = new AtomicLong(6_300_000);

    @Autowired Outbox outbox;
    @Autowired ConversationEngine engine;
    @Autowired JdbcClient jdbc;
    @Autowired ApplicationContext context;
    TransactionTemplate tx;
    /** What the outbox handed over in memory after commits (in place of the transport's sender). */
    final List<OutboundMessage> taken = java.util.Collections.synchronizedList(new ArrayList<>());

    @Autowired
    void tx(PlatformTransactionManager manager) {
        tx = new TransactionTemplate(manager);
    }

    @BeforeEach
    void takeOverTheSender() {
        context.getBean("outboundSender", Lifecycle.class).stop();
        taken.clear();
        outbox.handOffTo(new Outbox.HandOff() {
            @Override
            public boolean hasRoom() {
                return true;
            }

            @Override
            public void take(List<OutboundMessage> messages, long claimedAtNanos) {
                taken.addAll(messages);
            }
        });
    }

    /** A notification: written outside any update of that chat (as another person's action would). */
    private long notify(long chat, String text) {
        return tx.execute(s -> outbox.send(chat, Reply.Text.of(text)));
    }

    /** The outbox ids of the chat written by the transaction handling its update {@code command}. */
    private List<Long> update(long chat, String command) {
        return written(chat, () -> {
            tx.executeWithoutResult(s -> engine.process(Inbound.text(chat, command)));
            return null;
        });
    }

    private List<Long> written(long chat, Supplier<?> action) {
        long before = jdbc.sql("SELECT coalesce(max(id), 0) FROM outbox").query(Long.class).single();
        action.get();
        return jdbc.sql("SELECT id FROM outbox WHERE chat_id = ? AND id > ? ORDER BY id").params(chat, before)
                .query(Long.class).list();
    }

    /** One claim; what it took of this chat (never more than one). */
    private Long claim(long chat) {
        List<Long> ids = outbox.claimDue(100).stream().filter(m -> m.chatId() == chat).map(OutboundMessage::id).toList();
        assertThat(ids).as("at most one message of a chat out at once").hasSizeLessThanOrEqualTo(1);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private int lane(long id) {
        return jdbc.sql("SELECT lane FROM outbox WHERE id = ?").param(id).query(Integer.class).single();
    }

    private String status(long id) {
        return jdbc.sql("SELECT status FROM outbox WHERE id = ?").param(id).query(String.class).single();
    }

    @Test
    void aReplyGoesBeforeTheNotificationsQueuedForTheChat_eachLaneInOrder() {
        long chat = CHATS.incrementAndGet();
        long n1 = notify(chat, "card 1");
        assertThat(taken).extracting(OutboundMessage::id).as("nothing else open: handed over").containsExactly(n1);
        long n2 = notify(chat, "card 2");
        long n3 = notify(chat, "card 3");
        assertThat(status(n2)).isEqualTo("PENDING");

        List<Long> replies = update(chat, "/help");
        assertThat(replies).isNotEmpty().allSatisfy(id -> assertThat(lane(id)).isEqualTo(Outbox.REPLY));
        assertThat(List.of(n1, n2, n3)).allSatisfy(id -> assertThat(lane(id)).isEqualTo(Outbox.NOTIFICATION));
        assertThat(replies).as("card 1 is being sent: the reply waits for the claim")
                .allSatisfy(id -> assertThat(status(id)).isEqualTo("PENDING"));
        assertThat(claim(chat)).as("nothing while card 1 is out").isNull();

        outbox.delivered(n1, 1);
        List<Long> order = new ArrayList<>();
        for (Long id = claim(chat); id != null; id = claim(chat)) {
            order.add(id);
            assertThat(claim(chat)).as("nothing else of the chat while one is out").isNull();
            outbox.delivered(id, 1);
        }
        List<Long> expected = new ArrayList<>(replies);
        expected.addAll(List.of(n2, n3));
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    void aReplyIsHandedOverAheadOfWaitingNotifications_butNotWhileOneIsOut_andARetryKeepsItsLane() {
        long chat = CHATS.incrementAndGet();
        long blocker = notify(chat, "card 0");
        long n1 = notify(chat, "card 1");
        long n2 = notify(chat, "card 2");
        outbox.delivered(blocker, 1);
        taken.clear();

        // nothing out, two notifications waiting: the reply (and the next one of the same transaction) go at once
        List<Long> replies = update(chat, "/help");
        List<Long> more = written(chat, () -> tx.execute(s -> {
            outbox.answering(chat);
            outbox.send(chat, Reply.Text.of("first"));
            outbox.send(chat, Reply.Text.of("second"));
            outbox.send(chat + 500_000, Reply.Text.of("to someone else: a notification"));
            return null;
        }));
        assertThat(replies).allSatisfy(id -> assertThat(status(id)).isEqualTo("SENDING"));
        assertThat(taken).filteredOn(m -> m.chatId() == chat).extracting(OutboundMessage::id).containsExactlyElementsOf(replies);
        // the second update's replies wait behind the first's, which are out
        assertThat(more).hasSize(2).allSatisfy(id -> assertThat(status(id)).isEqualTo("PENDING"))
                .allSatisfy(id -> assertThat(lane(id)).isEqualTo(Outbox.REPLY));
        assertThat(jdbc.sql("SELECT lane FROM outbox WHERE chat_id = ?").param(chat + 500_000).query(Integer.class).single())
                .isEqualTo(Outbox.NOTIFICATION);
        replies.forEach(id -> outbox.delivered(id, 1));

        // "first" is not delivered this time: retried in its lane, ahead of the cards, "second" behind it
        long first = more.get(0);
        long second = more.get(1);
        assertThat(claim(chat)).isEqualTo(first);
        outbox.retryAt(first, Instant.now().minusSeconds(1), "429");
        assertThat(lane(first)).isEqualTo(Outbox.REPLY);
        assertThat(claim(chat)).isEqualTo(first);
        outbox.delivered(first, 1);
        assertThat(claim(chat)).isEqualTo(second);
        outbox.delivered(second, 1);
        assertThat(claim(chat)).isEqualTo(n1);
        outbox.delivered(n1, 1);
        assertThat(claim(chat)).isEqualTo(n2);
        outbox.delivered(n2, 1);
        assertThat(claim(chat)).isNull();
    }

    @Test
    void releasedMessagesGoBackInTheirLane_behindTheOneThatFailed() {
        long chat = CHATS.incrementAndGet();
        long blocker = notify(chat, "card 0");
        long n1 = notify(chat, "card 1");
        outbox.delivered(blocker, 1);
        taken.clear();
        List<Long> replies = written(chat, () -> tx.execute(s -> {
            outbox.answering(chat);
            outbox.send(chat, Reply.Text.of("a"));
            outbox.send(chat, Reply.Text.of("b"));
            outbox.send(chat, Reply.Text.of("c"));
            return null;
        }));
        assertThat(taken).extracting(OutboundMessage::id).containsExactlyElementsOf(replies);
        // the sender: "a" failed (retry later), so "b" and "c" go back to the claim, behind it
        outbox.retryAt(replies.get(0), Instant.now().plusSeconds(3600), "500");
        outbox.release(replies.subList(1, 3));
        assertThat(claim(chat)).as("the card waits behind the replies, even the one retried later").isNull();
        jdbc.sql("UPDATE outbox SET not_before = now() WHERE id = ?").param(replies.get(0)).update();
        for (long id : List.of(replies.get(0), replies.get(1), replies.get(2), n1)) {
            assertThat(claim(chat)).isEqualTo(id);
            outbox.delivered(id, 1);
        }
    }

    @Test
    void notificationsOfOneTransactionAreHandedOverOneAtATime_soAReplyCanGoBetween() {
        long chat = CHATS.incrementAndGet();
        List<Long> cards = written(chat, () -> tx.execute(s -> {
            for (int i = 1; i <= 3; i++) outbox.send(chat, Reply.Text.of("card " + i));
            return null;
        }));
        assertThat(cards).extracting(this::status).containsExactly("SENDING", "PENDING", "PENDING");
        assertThat(taken).extracting(OutboundMessage::id).containsExactly(cards.get(0));
        List<Long> replies = update(chat, "/help");
        outbox.delivered(cards.get(0), 1);
        List<Long> order = new ArrayList<>();
        for (Long id = claim(chat); id != null; id = claim(chat)) {
            order.add(id);
            outbox.delivered(id, 1);
        }
        List<Long> expected = new ArrayList<>(replies);
        expected.addAll(cards.subList(1, 3));
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    void anEditOfAMessageWithAnOlderEditStillQueuedWaitsBehindIt() {
        long chat = CHATS.incrementAndGet();
        long blocker = notify(chat, "card 0");
        long olderEdit = tx.execute(s -> outbox.send(chat, Reply.Text.of("progress 10 %").asEditOf(77)));
        long otherCard = notify(chat, "card 1");
        List<Long> replies = written(chat, () -> tx.execute(s -> {
            outbox.answering(chat);
            outbox.send(chat, Reply.Text.of("progress 20 %").asEditOf(77));
            outbox.send(chat, Reply.Text.of("an edit of another message").asEditOf(78));
            return null;
        }));
        assertThat(lane(replies.get(0))).as("behind the older edit of message 77").isEqualTo(Outbox.NOTIFICATION);
        assertThat(lane(replies.get(1))).isEqualTo(Outbox.REPLY);
        outbox.delivered(blocker, 1);
        for (long id : List.of(replies.get(1), olderEdit, otherCard, replies.get(0))) {
            assertThat(claim(chat)).isEqualTo(id);
            outbox.delivered(id, 1);
        }
    }

    /**
     * {@link Outbox#queue} writes a transaction's messages in one statement with the outcome {@link Outbox#send} gives
     * each, in order: the same lanes, the same hand-offs and pending rows, the same order of ids — also for a reply and
     * a notification to one chat in one transaction, either way round, and for a chat that cannot be reached.
     */
    @Test
    void queuedMessagesGetTheOutcomeOfOneSendEach() {
        assertThat(outcomes(true)).isEqualTo(outcomes(false)).containsExactly(
                "0:0:SENDING", "0:0:SENDING", "1:1:SENDING", "1:1:PENDING", "5:1:PENDING",
                "2:1:SENDING", "2:0:PENDING", "2:0:PENDING", "3:0:SENDING", "3:1:PENDING",
                "1:1:PENDING", "4:0:SENDING",
                "handed 0", "handed 0", "handed 1", "handed 2", "handed 3", "handed 4");
    }

    /** The rows the same transactions write, as "chat:lane:status" in id order, then "handed chat" in hand-off order. */
    private List<String> outcomes(boolean queued) {
        long[] chats = new long[6];
        for (int i = 0; i < chats.length; i++) chats[i] = CHATS.incrementAndGet();
        long gone = chats[5];
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, unreachable) VALUES (?, ?, 'en', TRUE)").params(gone, gone).update();
        java.util.function.BiConsumer<Long, String> say = (chat, text) -> {
            if (queued) outbox.queue(chat, Reply.Text.of(text)); else outbox.send(chat, Reply.Text.of(text));
        };
        taken.clear();
        long before = jdbc.sql("SELECT coalesce(max(id), 0) FROM outbox").query(Long.class).single();
        tx.executeWithoutResult(s -> {
            outbox.answering(chats[0]);
            say.accept(chats[0], "reply 1");
            say.accept(chats[0], "reply 2");
            say.accept(chats[1], "card 1");
            say.accept(chats[1], "card 2");
            say.accept(gone, "card");
            // a notification, then a reply to the same chat; and a reply, then a notification
            outbox.answering(chats[0]);
            say.accept(chats[2], "card");
            outbox.answering(chats[2]);
            say.accept(chats[2], "reply 1");
            say.accept(chats[2], "reply 2");
            outbox.answering(chats[3]);
            say.accept(chats[3], "reply");
            outbox.answering(chats[0]);
            say.accept(chats[3], "card");
        });
        tx.executeWithoutResult(s -> {
            say.accept(chats[1], "card 3"); // one of the chat's is out: waits
            outbox.answering(chats[4]);
            say.accept(chats[4], "reply");
        });
        List<Long> ids = java.util.Arrays.stream(chats).boxed().toList();
        List<String> result = new ArrayList<>(jdbc.sql("""
                        SELECT chat_id, lane, status FROM outbox WHERE id > ? AND chat_id = ANY(?) ORDER BY id""")
                .params(before, ids.toArray(Long[]::new))
                .query((rs, n) -> ids.indexOf(rs.getLong(1)) + ":" + rs.getInt(2) + ":" + rs.getString(3)).list());
        taken.stream().filter(m -> ids.contains(m.chatId())).forEach(m -> result.add("handed " + ids.indexOf(m.chatId())));
        return result;
    }

    @Test
    void aChatWithHundredsQueuedHidesNoOtherChatsMessage_andKeepsItsOwnOrder() {
        long busy = CHATS.incrementAndGet(), other = CHATS.incrementAndGet();
        // more cards than a claim's first scan looks at, all due before the other chat's message
        List<Outbox.OutgoingMessage> cards = new ArrayList<>();
        for (int i = 0; i < Outbox.SCAN_BOUND + 44; i++) cards.add(new Outbox.OutgoingMessage(busy, Reply.Text.of("card " + i)));
        List<Long> queued = tx.execute(s -> outbox.sendAll(cards));
        Long head = claim(busy);
        assertThat(head).isEqualTo(queued.get(0));
        long message = tx.execute(s -> outbox.sendAll(List.of(new Outbox.OutgoingMessage(other, Reply.Text.of("hello"))))).get(0);

        // the first rows in due order are the busy chat's, waiting behind its card being sent: the claim looks further
        List<OutboundMessage> claimed = outbox.claimDue(10);
        assertThat(claimed).extracting(OutboundMessage::id).contains(message).doesNotContainAnyElementsOf(queued);

        outbox.delivered(head, 1);
        assertThat(claim(busy)).as("then the busy chat's next card, in order").isEqualTo(queued.get(1));
        assertThat(status(queued.get(2))).isEqualTo("PENDING");
    }

    /**
     * The claim's cost does not grow with the cards queued behind chats' first messages, whatever the planner believes.
     * In the benchmark a plan made from statistics of an outbox with few open messages scanned all of outbox_open for
     * every candidate: 26-64 ms a claim once managers had thousands of cards queued. Here the claim runs on a copy of
     * the outbox analyzed with 20,000 messages sent and none open, then given 4,200 cards queued behind six chats'
     * first ones: under a generic plan (as a server-prepared statement keeps it), each variant of the claim (the first
     * due rows; the chats' first messages) reads a few buffers per candidate. All in a transaction rolled back.
     */
    @Test
    void aClaimReadsAFewBuffersPerCandidate_evenPlannedFromStatisticsOfAnOutboxWithNothingOpen() {
        for (String candidates : List.of(Outbox.FIRST_DUE, Outbox.FIRST_OF_EACH_CHAT)) {
            long buffers = buffersOfGenericPlan(Outbox.claimStatement(candidates));
            assertThat(buffers).as("buffers read by a claim with 4,200 cards queued: %s", candidates).isLessThan(3_000);
        }
    }

    /** Runs the claim once as a prepared statement with a generic plan, on the copy described above: the buffers it read. */
    private long buffersOfGenericPlan(String sql) {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') numbered.append('$').append(++n);
            else numbered.append(c);
        }
        String plan = tx.execute(s -> {
            s.setRollbackOnly();
            jdbc.sql("""
                    CREATE SCHEMA claim_probe;
                    CREATE TABLE claim_probe.outbox (LIKE public.outbox INCLUDING ALL);
                    CREATE TABLE claim_probe.chat (LIKE public.chat INCLUDING ALL);
                    SET LOCAL search_path = claim_probe;
                    INSERT INTO outbox (chat_id, payload, status, done_at, lane)
                    SELECT 7000000 + i % 500, '{"type":"text","text":"sent"}', 'SENT', now(), 1 FROM generate_series(1, 20000) i;
                    ANALYZE outbox;
                    INSERT INTO outbox (chat_id, payload, status, lease_until, attempts, lane)
                    SELECT 7100000 + c, '{"type":"text","text":"card"}', CASE WHEN i = 0 THEN 'SENDING' ELSE 'PENDING' END,
                           CASE WHEN i = 0 THEN now() + interval '1 minute' END, CASE WHEN i = 0 THEN 1 ELSE 0 END, 1
                    FROM generate_series(0, 5) c, generate_series(0, 700) i ORDER BY i, c;
                    INSERT INTO outbox (chat_id, payload, lane) VALUES (7200000, '{"type":"text","text":"hello"}', 0);
                    SET LOCAL plan_cache_mode = force_generic_plan""").update();
            jdbc.sql("PREPARE claim_probe AS " + numbered).update();
            try {
                return jdbc.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE claim_probe(" + Outbox.SCAN_BOUND + ", 10, 60)")
                        .query(String.class).single();
            } finally {
                jdbc.sql("DEALLOCATE claim_probe").update();
            }
        });
        var top = tools.jackson.databind.json.JsonMapper.shared().readTree(plan).get(0).get("Plan");
        return top.get("Shared Hit Blocks").asLong() + top.get("Shared Read Blocks").asLong();
    }
}
