package io.partnerka.conversation;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable queue of everything the bot says (but the answers to button presses: {@link CallbackAnswers}).
 * Features write to it inside their own transaction (so a state change and the messages about it commit together);
 * the transport claims rows, delivers them and reports back.
 * <p>
 * A chat's messages go out one at a time, in two lanes: replies (written while handling that chat's own update: the
 * person waits for them) go before its notifications (cards, drip, broadcasts: caused elsewhere), even older ones;
 * each lane keeps its order. So a manager with twenty cards queued gets the answer to a button at once, not after
 * the cards (issue 14).
 */
@Service
public class Outbox {

    private static final Duration LEASE = Duration.ofSeconds(60);
    /** The lanes of a chat's messages (column {@code lane}): a lower lane goes first. */
    static final int REPLY = 0;
    static final int NOTIFICATION = 1;
    private static final Duration LEASE_CHECK_EVERY = Duration.ofSeconds(5);
    /** Due rows a claim looks at before it looks at the chats' first messages instead (see {@link #claimDue}). */
    static final int SCAN_BOUND = 256;

    /**
     * What a finished row keeps of its payload: the kind of message (and the reference of a stored document), never
     * what was said (a client's phone, an invoice, a card mask).
     */
    static final String METADATA_ONLY = """
            jsonb_strip_nulls(jsonb_build_object('type', payload->'type', 'store', payload->'store', 'key', payload->'key'))""";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    /** Whether a finished row drops its content in the statement that finishes it (else the pruning job does later). */
    private final boolean dropOnFinish;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean signalled;
    private volatile long nextLeaseCheck = System.nanoTime();
    /**
     * Chats for which this instance wrote a pending message that may wait behind an open (handed-over) one of theirs:
     * when that one is delivered, the claim must look again. Forgotten when the claim takes one of theirs (then its
     * delivery wakes the claim), or all at once past a bound (the claim's idle poll finds the rest within seconds).
     */
    private final java.util.Set<Long> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int WAITING_MAX = 10_000;
    /**
     * When ({@link System#nanoTime}) messages this instance put off become due (a retry, a message for later): the idle
     * claim wakes then instead of polling often. Forgotten past a bound (the idle poll finds the rest).
     */
    private final java.util.concurrent.PriorityBlockingQueue<Long> dueLater = new java.util.concurrent.PriorityBlockingQueue<>();
    private static final int DUE_LATER_MAX = 10_000;
    /** The transport's sender in this instance, when it takes messages in memory (null: everything via the claim). */
    private volatile HandOff handOff;

    /**
     * A sender that takes messages written as already claimed by this instance, handed over in memory after their
     * transaction commits: no claim of its own for them, and no other instance sends them (their lease keeps the
     * claim, and brings them back if this instance dies before it records them).
     */
    public interface HandOff {
        /** Whether it takes more now (the messages it holds must go out well within their lease). */
        boolean hasRoom();

        /**
         * Committed messages, claimed for this instance, in the order written; {@code claimedAtNanos}
         * ({@link System#nanoTime}) is from before their lease began.
         */
        void take(List<OutboundMessage> messages, long claimedAtNanos);

        /**
         * The chat's messages Telegram has from this sender that are not yet recorded as sent (still {@code SENDING}
         * in the table): they hold up nothing that is written after them.
         */
        default Long[] deliveredNotRecorded(long chatId) {
            return new Long[0];
        }

        /** The transport's id of a message this sender delivered and has yet to record, if it is one. */
        default java.util.Optional<Integer> deliveredMessageId(long outboxId) {
            return java.util.Optional.empty();
        }

        /** A message of the chat now waits for the claim ({@link #waitsBehind}): what it waits for should not linger. */
        default void messageWaits(long chatId) {
        }
    }

    /** The messages one transaction claimed for the in-memory hand-off, and the chats (and lanes) it decided for. */
    private static final class Claims {
        final long startedNanos = System.nanoTime();
        final java.util.Map<ChatLane, Boolean> handedByChat = new java.util.HashMap<>();
        final List<OutboundMessage> handed = new java.util.ArrayList<>();
    }

    private record ChatLane(long chatId, int lane) {
    }

    /**
     * Marks the current transaction as the one handling an update from {@code chatId}: what it writes to that chat is
     * a reply (lane {@link #REPLY}); everything else it writes is a notification. Scoped to the transaction (a
     * synchronization of it: a nested transaction of its own is not answering).
     */
    void answering(long chatId) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return;
        for (TransactionSynchronization sync : TransactionSynchronizationManager.getSynchronizations()) {
            if (sync instanceof Answering a) {
                a.chatId = chatId;
                return;
            }
        }
        Answering a = new Answering();
        a.chatId = chatId;
        TransactionSynchronizationManager.registerSynchronization(a);
    }

    /** The chat whose update this transaction handles. */
    private static final class Answering implements TransactionSynchronization {
        long chatId;
    }

    /** The lane of a message written now to {@code chatId} (for now, not later: a message for later waits for nobody). */
    private static int laneOf(long chatId) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return NOTIFICATION;
        for (TransactionSynchronization sync : TransactionSynchronizationManager.getSynchronizations()) {
            if (sync instanceof Answering a) return a.chatId == chatId ? REPLY : NOTIFICATION;
        }
        return NOTIFICATION;
    }

    Outbox(JdbcClient jdbc, RetentionSettings retention) {
        this.jdbc = jdbc;
        this.dropOnFinish = retention.deliveredContent().isZero();
        this.json = JsonMapper.builder().addMixIn(Reply.class, ReplyTypes.class).build();
    }

    /** Queues a message for a chat; joins the caller's transaction, wakes the sender when it commits. */
    @Transactional
    public long send(long chatId, Reply reply) {
        return sendAt(chatId, reply, null);
    }

    /**
     * {@link #send} for a caller that needs no id: the message is written with the transaction's other queued ones in
     * one statement — at the end of the conversation engine's work, together with the chat's save
     * ({@link #writeQueued}), else just before the commit — with exactly the outcome one {@link #send} each, in order,
     * would have had (lane, hand-off or pending). Anything else this class writes or reads in the transaction writes
     * the queued messages first, so ids keep the order in which messages were written.
     */
    @Transactional
    public void queue(long chatId, Reply reply) {
        Batch batch = batch();
        if (batch == null) {
            sendAt(chatId, reply, null);
            return;
        }
        int lane = laneFor(chatId, reply);
        // the rare reply and notification to one chat in one transaction: written one after the other, as send does
        if (batch.rows.stream().anyMatch(q -> q.chatId() == chatId && q.lane() != lane)) write(batch, null);
        batch.rows.add(new Queued(chatId, lane, reply));
    }

    /**
     * Writes the messages this transaction queued, in one statement with {@code with} (another data-modifying
     * statement of this module, run in the same round trip) when given; {@code with} alone when nothing is queued.
     */
    void writeQueued(ChatStore.Sql with) {
        Batch batch = TransactionSynchronizationManager.isSynchronizationActive() ? currentBatch() : null;
        if (batch == null || batch.rows.isEmpty()) {
            if (with != null) jdbc.sql(with.text()).params(with.params()).update();
            return;
        }
        write(batch, with);
    }

    /** Writes what this transaction queued, first: before any other statement of this class about the outbox. */
    private void writeQueued() {
        writeQueued(null);
    }

    /** A message queued by {@link #queue}, with its lane decided when it was queued (as {@link #send} decides it). */
    private record Queued(long chatId, int lane, Reply reply) {
    }

    /** The messages a transaction queued and has not written yet; written at the latest just before it commits. */
    private static final class Batch implements TransactionSynchronization {
        final Outbox owner;
        final List<Queued> rows = new java.util.ArrayList<>();
        /** Written before the commit: what is queued after that (by another synchronization) is sent at once. */
        boolean closed;

        Batch(Outbox owner) {
            this.owner = owner;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            if (!rows.isEmpty()) owner.write(this, null);
            closed = true;
        }
    }

    /** This transaction's batch, begun now if needed; null outside a transaction or once it was written at the commit. */
    private Batch batch() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return null;
        Batch batch = currentBatch();
        if (batch == null) {
            batch = new Batch(this);
            TransactionSynchronizationManager.registerSynchronization(batch);
        }
        return batch.closed ? null : batch;
    }

    private Batch currentBatch() {
        for (TransactionSynchronization sync : TransactionSynchronizationManager.getSynchronizations()) {
            if (sync instanceof Batch b && b.owner == this) return b;
        }
        return null;
    }

    /** How a queued row is written: its hand-off decided by the statement, as known already, or as its group's. */
    private static final short DECIDE = 0, CLAIMED = 1, PENDING = 2, AS_DECIDED = 3;

    /**
     * Writes a batch in one statement with the outcome of one {@link #sendClaimed} each, in order: the first message
     * of a chat and lane this transaction writes is handed over when nothing of the chat that goes before it is open
     * and the chat is reachable (the statement decides, from what was open before it); a chat's later replies follow
     * that decision; later notifications wait. A batch never holds a chat's replies and notifications both
     * ({@link #queue}), so no row of it decides for another lane.
     */
    private void write(Batch batch, ChatStore.Sql with) {
        List<Queued> rows = List.copyOf(batch.rows);
        batch.rows.clear();
        HandOff sender = handOff;
        Claims claims = sender == null ? null : claims(sender);
        int n = rows.size();
        Long[] chats = new Long[n];
        String[] payloads = new String[n];
        Short[] lanes = new Short[n];
        Short[] modes = new Short[n];
        java.util.Set<ChatLane> deciding = new java.util.HashSet<>();
        java.util.Set<Long> notInTheWay = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            Queued q = rows.get(i);
            ChatLane key = new ChatLane(q.chatId(), q.lane());
            chats[i] = q.chatId();
            payloads[i] = json.writeValueAsString(q.reply());
            lanes[i] = (short) q.lane();
            Boolean handed = claims == null ? Boolean.FALSE : claims.handedByChat.get(key);
            if (handed != null) {
                modes[i] = handed && q.lane() == REPLY ? CLAIMED : PENDING;
            } else if (deciding.add(key)) {
                modes[i] = DECIDE;
                notInTheWay.addAll(List.of(delivered(q.chatId())));
            } else {
                modes[i] = q.lane() == REPLY ? AS_DECIDED : PENDING;
            }
        }
        List<Object> params = new java.util.ArrayList<>();
        if (with != null) params.addAll(java.util.Arrays.asList(with.params()));
        params.addAll(List.of(chats, payloads, lanes, modes, notInTheWay.toArray(Long[]::new), LEASE.toSeconds()));
        // d: the decision of each chat and lane deciding here; r: each row's (materialized: decided once a row)
        List<java.util.Map.Entry<Long, Boolean>> written = jdbc.sql("WITH " + (with == null ? "" : "saved AS (" + with.text() + "),\n") + """
                        m AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::smallint[], ?::smallint[]) WITH ORDINALITY AS t(c, p, l, mode, o)),
                        d AS MATERIALIZED (
                            SELECT m.c, m.l,
                                   NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = m.c AND e.status IN ('PENDING', 'SENDING')
                                                 AND (e.lane <= m.l OR e.status = 'SENDING') AND e.id <> ALL(?::bigint[]))
                                   AND NOT coalesce((SELECT ch.unreachable FROM chat ch WHERE ch.chat_id = m.c), false) AS h
                            FROM m WHERE m.mode = 0),
                        r AS MATERIALIZED (
                            SELECT m.o, m.c, m.p, m.l, CASE m.mode WHEN 1 THEN true WHEN 2 THEN false
                                   ELSE coalesce((SELECT d.h FROM d WHERE d.c = m.c AND d.l = m.l), false) END AS h
                            FROM m)
                        INSERT INTO outbox (chat_id, payload, lane, status, lease_until, attempts)
                        SELECT r.c, r.p::jsonb, r.l, CASE WHEN r.h THEN 'SENDING' ELSE 'PENDING' END,
                               CASE WHEN r.h THEN now() + make_interval(secs => ?) END, CASE WHEN r.h THEN 1 ELSE 0 END
                        FROM r ORDER BY r.o
                        RETURNING id, status = 'SENDING'""")
                .params(params)
                .query((rs, i) -> java.util.Map.entry(rs.getLong(1), rs.getBoolean(2)))
                .list();
        // ids are drawn in the rows' order (the sequence's default is evaluated above the sort)
        written = written.stream().sorted(java.util.Map.Entry.comparingByKey()).toList();
        boolean waits = false;
        for (int i = 0; i < n; i++) {
            Queued q = rows.get(i);
            long id = written.get(i).getKey();
            boolean handed = written.get(i).getValue();
            if (modes[i] == DECIDE) claims.handedByChat.put(new ChatLane(q.chatId(), q.lane()), handed);
            if (handed) {
                claims.handed.add(new OutboundMessage(id, q.chatId(), q.reply(), 1, false));
            } else {
                noteWaiting(q.chatId());
                waits = true;
            }
        }
        if (waits) signalAfterCommit();
    }

    /**
     * Queues many messages with one statement (the drip dispatcher's batches); the ids come back in the same order,
     * and a chat's messages in the list go out in that order.
     */
    @Transactional
    public List<Long> sendAll(List<OutgoingMessage> messages) {
        writeQueued();
        if (messages.isEmpty()) return List.of();
        List<Long> ids = jdbc.sql("SELECT nextval('outbox_id_seq') FROM generate_series(1, ?) ORDER BY 1")
                .param(messages.size()).query(Long.class).list();
        jdbc.sql("""
                        INSERT INTO outbox (id, chat_id, payload, lane)
                        SELECT i, c, p::jsonb, l FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::smallint[]) AS t(i, c, p, l)""")
                .params(ids.toArray(Long[]::new), messages.stream().map(OutgoingMessage::chatId).toArray(Long[]::new),
                        messages.stream().map(m -> m.prepared() != null ? m.prepared().json : json.writeValueAsString(m.reply()))
                                .toArray(String[]::new),
                        messages.stream().map(m -> (short) laneOf(m.chatId())).toArray(Short[]::new))
                .update();
        signalAfterCommit();
        return ids;
    }

    /**
     * Writes a message as claimed by this instance, for the hand-off after commit, when nothing of the chat is being
     * sent and nothing that goes before it waits (of its lane or a lower one: its order is then this transaction's)
     * and the chat is reachable; otherwise as pending, for the claim. A chat's replies in one transaction all go one
     * way; of its notifications only the first is handed over, the rest wait for the claim: a handed-over message is
     * being sent, and a reply can go ahead only of what waits.
     */
    private long sendClaimed(Claims claims, long chatId, int lane, Reply reply) {
        String payload = json.writeValueAsString(reply);
        ChatLane key = new ChatLane(chatId, lane);
        Boolean handed = claims.handedByChat.get(key);
        long id;
        if (handed == null) {
            var row = jdbc.sql("""
                            INSERT INTO outbox (chat_id, payload, lane, status, lease_until, attempts)
                            SELECT ?, ?::jsonb, ?, CASE WHEN h THEN 'SENDING' ELSE 'PENDING' END,
                                   CASE WHEN h THEN now() + make_interval(secs => ?) END, CASE WHEN h THEN 1 ELSE 0 END
                            FROM (SELECT NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = ? AND e.status IN ('PENDING', 'SENDING')
                                                       AND (e.lane <= ? OR e.status = 'SENDING') AND e.id <> ALL(?::bigint[]))
                                         AND NOT coalesce((SELECT ch.unreachable FROM chat ch WHERE ch.chat_id = ?), false)) AS t(h)
                            RETURNING id, status = 'SENDING'""")
                    .params(chatId, payload, lane, LEASE.toSeconds(), chatId, lane, delivered(chatId), chatId)
                    .query((rs, n) -> java.util.Map.entry(rs.getLong(1), rs.getBoolean(2))).single();
            id = row.getKey();
            handed = row.getValue();
            claims.handedByChat.put(key, handed);
        } else if (handed && lane == REPLY) {
            id = jdbc.sql("""
                            INSERT INTO outbox (chat_id, payload, lane, status, lease_until, attempts)
                            VALUES (?, ?::jsonb, ?, 'SENDING', now() + make_interval(secs => ?), 1) RETURNING id""")
                    .params(chatId, payload, lane, LEASE.toSeconds()).query(Long.class).single();
        } else {
            id = jdbc.sql("INSERT INTO outbox (chat_id, payload, lane) VALUES (?, ?::jsonb, ?) RETURNING id")
                    .params(chatId, payload, lane).query(Long.class).single();
            handed = false;
        }
        if (handed) {
            claims.handed.add(new OutboundMessage(id, chatId, reply, 1, false));
        } else {
            noteWaiting(chatId);
            signalAfterCommit();
        }
        return id;
    }

    /** What of the chat the sender delivered and has yet to record: not in the way of what follows it. */
    private Long[] delivered(long chatId) {
        HandOff sender = handOff;
        return sender == null ? new Long[0] : sender.deliveredNotRecorded(chatId);
    }

    /**
     * This transaction's claims (found among its synchronizations, so a transaction suspended for a nested one keeps
     * its own), begun with a hand-off after commit; null when the sender takes nothing now.
     */
    private Claims claims(HandOff sender) {
        for (TransactionSynchronization sync : TransactionSynchronizationManager.getSynchronizations()) {
            if (sync instanceof HandOffAfterCommit h && h.owner == this) return h.claims;
        }
        if (!sender.hasRoom()) return null;
        HandOffAfterCommit sync = new HandOffAfterCommit(this, sender);
        TransactionSynchronizationManager.registerSynchronization(sync);
        return sync.claims;
    }

    private static final class HandOffAfterCommit implements TransactionSynchronization {
        final Outbox owner;
        final HandOff sender;
        final Claims claims = new Claims();

        HandOffAfterCommit(Outbox owner, HandOff sender) {
            this.owner = owner;
            this.sender = sender;
        }

        @Override
        public void afterCommit() {
            if (claims.handed.isEmpty()) return;
            try {
                sender.take(List.copyOf(claims.handed), claims.startedNanos);
            } catch (RuntimeException e) {
                // committed and claimed: their lease brings them back to the claim
                org.slf4j.LoggerFactory.getLogger(Outbox.class).warn("Hand-off of {} messages failed ({}); they are sent "
                        + "when their claim's lease ends", claims.handed.size(), e.toString());
            }
        }
    }

    /** A message to queue with {@link #sendAll}: a reply, or a reply's JSON filled in from a {@link Template}. */
    public record OutgoingMessage(long chatId, Reply reply, Prepared prepared) {
        public OutgoingMessage(long chatId, Reply reply) {
            this(chatId, reply, null);
        }

        public OutgoingMessage(long chatId, Prepared prepared) {
            this(chatId, null, prepared);
        }
    }

    /** A reply's JSON as {@link #sendAll} writes it, made by {@link Template#fill}. */
    public static final class Prepared {
        final String json;

        private Prepared(String json) {
            this.json = json;
        }
    }

    /**
     * A reply written as JSON once, with placeholders filled per message by concatenation: the same message to
     * thousands of people (a drip step) costs one serialisation instead of one a person. Null when the mapper did
     * not write the placeholders as they are (then serialise each reply).
     */
    public Template template(Reply reply, String... placeholders) {
        String written = json.writeValueAsString(reply);
        List<String> parts = new java.util.ArrayList<>();
        List<Integer> slots = new java.util.ArrayList<>();
        int from = 0;
        while (true) {
            int at = -1, which = -1;
            for (int k = 0; k < placeholders.length; k++) {
                int i = written.indexOf(placeholders[k], from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                    which = k;
                }
            }
            if (at < 0) break;
            parts.add(written.substring(from, at));
            slots.add(which);
            from = at + placeholders[which].length();
        }
        parts.add(written.substring(from));
        for (String p : placeholders) {
            // a placeholder the mapper escaped is not found above and would be left in the JSON as text
            if (p.codePoints().anyMatch(c -> c > 127 && written.contains(String.format("\\u%04x", c))
                    || written.contains(String.format("\\u%04X", c)))) {
                return null;
            }
        }
        return new Template(parts.toArray(String[]::new), slots.stream().mapToInt(Integer::intValue).toArray());
    }

    /** See {@link #template}. */
    public static final class Template {
        private static final tools.jackson.core.io.JsonStringEncoder ESCAPE = tools.jackson.core.io.JsonStringEncoder.getInstance();
        private final String[] parts;
        private final int[] slots;

        private Template(String[] parts, int[] slots) {
            this.parts = parts;
            this.slots = slots;
        }

        /** The JSON with each placeholder replaced by its value (in the order given to {@link #template}). */
        public Prepared fill(String... values) {
            StringBuilder out = new StringBuilder(256);
            for (int i = 0; i < slots.length; i++) {
                out.append(parts[i]);
                ESCAPE.quoteAsString(values[slots[i]], out);
            }
            return new Prepared(out.append(parts[parts.length - 1]).toString());
        }
    }

    /** Sets (or with null, removes) the sender that takes committed messages in memory. */
    public void handOffTo(HandOff sender) {
        this.handOff = sender;
    }

    /**
     * Releases messages claimed for the hand-off that this instance will not send after all (a chat's earlier message
     * failed, so its later ones go back behind it, in order and in their lane, to the claim).
     */
    public void release(List<Long> ids) {
        if (ids.isEmpty()) return;
        jdbc.sql("UPDATE outbox SET status = 'PENDING', lease_until = NULL, attempts = greatest(attempts - 1, 0) "
                        + "WHERE id = ANY(?) AND status = 'SENDING'")
                .param(ids.toArray(Long[]::new)).update();
        signal();
    }

    /**
     * Queues a message that must not go out before {@code notBefore} (null: now). Written while handling an update of
     * that chat (and for now), it is a reply: it goes before the chat's queued notifications.
     */
    @Transactional
    public long sendAt(long chatId, Reply reply, Instant notBefore) {
        writeQueued();
        int lane = notBefore == null ? laneFor(chatId, reply) : NOTIFICATION;
        HandOff sender = handOff;
        if (notBefore == null && sender != null && TransactionSynchronizationManager.isSynchronizationActive()) {
            Claims claims = claims(sender);
            if (claims != null) return sendClaimed(claims, chatId, lane, reply);
        }
        long id = jdbc.sql("INSERT INTO outbox (chat_id, payload, not_before, lane) VALUES (?, ?::jsonb, coalesce(?, now()), ?) RETURNING id")
                .params(chatId, json.writeValueAsString(reply),
                        notBefore == null ? null : java.sql.Timestamp.from(notBefore), lane)
                .query(Long.class).single();
        if (notBefore == null) noteWaiting(chatId);
        else noteDueAt(notBefore);
        signalAfterCommit();
        return id;
    }

    /** The lane of a message written now to {@code chatId} ({@link #laneOf}), an edit's exception included. */
    private int laneFor(long chatId, Reply reply) {
        int lane = laneOf(chatId);
        if (lane == REPLY && reply instanceof Reply.Text t && t.editMessageId() != null) {
            writeQueued();
            // an earlier edit of the same message waits among the notifications: going first would let that older
            // text overwrite this one, so this edit queues behind it
            if (editWaits(chatId, t.editMessageId())) lane = NOTIFICATION;
        }
        return lane;
    }

    /** Whether a notification of the chat that edits the same message is still open. */
    private boolean editWaits(long chatId, int messageId) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = ? AND e.lane = ?
                                         AND e.status IN ('PENDING', 'SENDING') AND e.payload->>'editMessageId' = ?)""")
                .params(chatId, NOTIFICATION, String.valueOf(messageId)).query(Boolean.class).single();
    }

    private void noteWaiting(long chatId) {
        if (waiting.size() >= WAITING_MAX) waiting.clear();
        waiting.add(chatId);
        HandOff sender = handOff;
        if (sender != null) sender.messageWaits(chatId);
    }

    /** Whether a pending message of this chat, written by this instance, may be waiting for the claim. */
    public boolean waitsBehind(long chatId) {
        return waiting.contains(chatId);
    }

    /**
     * Claims up to {@code max} due messages, at most one per chat and only when nothing of the chat is being sent: the
     * chat's first open message in (lane, id) order, so its replies go before its notifications and each lane in
     * order. A claim is a lease: a crashed sender's rows come back after it expires.
     */
    @Transactional
    public List<OutboundMessage> claimDue(int max) {
        long now = System.nanoTime();
        if (now - nextLeaseCheck >= 0) {
            nextLeaseCheck = now + LEASE_CHECK_EVERY.toNanos();
            // a crashed or stopped sender's claims: due again (their chats' later messages wait behind them)
            jdbc.sql("UPDATE outbox SET status = 'PENDING', lease_until = NULL WHERE status = 'SENDING' AND lease_until < now()")
                    .update();
        }
        // Candidates first among the first due rows in the order of the outbox_due index, so a claim reads a few index
        // entries whatever the size of the table (the benchmark measured 19 ms a claim at 14,000 rows when it sorted
        // every row by id). Messages waiting behind their chat's first one are no candidates, but each costs a probe:
        // thousands of cards queued for a manager made a claim take 68-235 ms. So the scan stops after SCAN_BOUND
        // rows, and if that was not enough, the candidates are the chats' first open messages instead (a skip scan
        // of outbox_open: one probe per chat with open messages). Either way the claim is the same: the due heads in
        // (not_before, id) order, the first max of them.
        Claimed first = claim(FIRST_DUE, max, SCAN_BOUND);
        List<OutboundMessage> claimed = first.messages();
        if (claimed.size() < max && first.candidates() >= SCAN_BOUND) {
            claimed = new java.util.ArrayList<>(claimed);
            claimed.addAll(claim(FIRST_OF_EACH_CHAT, max - claimed.size(), 1).messages());
        }
        return claimed.stream().sorted(java.util.Comparator.comparingLong(OutboundMessage::id))
                .peek(m -> waiting.remove(m.chatId()))
                .toList();
    }

    /** Candidates of a claim: the first due rows (one parameter: how many). */
    static final String FIRST_DUE = """
            WITH candidates AS MATERIALIZED (
                SELECT c.id FROM outbox c WHERE c.status = 'PENDING' AND c.not_before <= now()
                ORDER BY c.not_before, c.id LIMIT ?)""";

    /** Candidates of a claim: each chat's first open message (one parameter, above 0). */
    static final String FIRST_OF_EACH_CHAT = """
            WITH RECURSIVE chats(chat_id) AS (
                (SELECT chat_id FROM outbox WHERE status IN ('PENDING', 'SENDING') ORDER BY chat_id LIMIT 1)
                UNION ALL
                SELECT (SELECT o.chat_id FROM outbox o WHERE o.status IN ('PENDING', 'SENDING')
                          AND o.chat_id > chats.chat_id ORDER BY o.chat_id LIMIT 1)
                FROM chats WHERE chats.chat_id IS NOT NULL),
            candidates AS MATERIALIZED (
                SELECT h.id FROM chats CROSS JOIN LATERAL (
                    SELECT o.id FROM outbox o WHERE o.chat_id = chats.chat_id AND o.status IN ('PENDING', 'SENDING')
                    ORDER BY o.lane, o.id LIMIT 1) h
                WHERE chats.chat_id IS NOT NULL AND ? > 0)""";

    /** The messages one claim took, and how many candidates it looked at. */
    private record Claimed(List<OutboundMessage> messages, int candidates) {
    }

    /**
     * Claims up to {@code max} of the candidates (a CTE named {@code candidates} of outbox ids, with one parameter):
     * those that are due and their chat's first open message in (lane, id) order, with nothing of the chat being sent
     * in a later lane (a notification being sent holds a reply back). What is ahead of a row in its chat is one probe
     * of outbox_open (chat_id, lane, id). The claim is a materialized CTE joined by id: with "WHERE id IN (SELECT ...
     * LIMIT n FOR UPDATE SKIP LOCKED)" the subquery may run again and the UPDATE take more than n rows.
     * <p>
     * The plan must not depend on what the statistics say of the open messages: they are taken while few are open,
     * and a plan made from them believes the partial indexes empty. So the candidates are looked up by id (an array,
     * and {@code status || ''}, which no partial index's predicate matches: else the plan scans every due row), and
     * each check is a subquery of its own ({@code OFFSET 0} keeps it one: as an anti-join it was planned as a scan of
     * all of outbox_open for every candidate, 26-64 ms a claim in the benchmark).
     */
    private Claimed claim(String candidates, int max, int candidatesParam) {
        List<Object[]> rows = jdbc.sql(claimStatement(candidates))
                .params(candidatesParam, max, LEASE.toSeconds())
                .query((rs, n) -> new Object[]{rs.getObject(1) == null ? null : new OutboundMessage(rs.getLong(1),
                        rs.getLong(2), json.readValue(rs.getString(3), Reply.class), rs.getInt(4), rs.getBoolean(5)),
                        rs.getInt(6)})
                .list();
        List<OutboundMessage> messages = rows.stream().map(r -> (OutboundMessage) r[0]).filter(java.util.Objects::nonNull).toList();
        return new Claimed(messages, rows.isEmpty() ? 0 : (Integer) rows.get(0)[1]);
    }

    /** The claim of {@link #claim}; parameters: the candidates', how many to claim, the lease in seconds. */
    static String claimStatement(String candidates) {
        return candidates + """
                        ,
                        due AS MATERIALIZED (
                            SELECT c.id FROM outbox c
                            WHERE c.id = ANY (ARRAY(SELECT id FROM candidates))
                              AND c.status || '' = 'PENDING' AND c.not_before <= now()
                              AND NOT EXISTS (SELECT 1 FROM outbox e
                                              WHERE e.chat_id = c.chat_id AND (e.lane, e.id) < (c.lane, c.id)
                                                AND e.status IN ('PENDING', 'SENDING') OFFSET 0)
                              AND NOT EXISTS (SELECT 1 FROM outbox e
                                              WHERE e.chat_id = c.chat_id AND e.lane > c.lane
                                                AND e.status = 'SENDING' OFFSET 0)
                            ORDER BY c.not_before, c.id LIMIT ? FOR UPDATE SKIP LOCKED),
                        claimed AS (
                            UPDATE outbox o SET status = 'SENDING', lease_until = now() + make_interval(secs => ?),
                                   attempts = o.attempts + 1
                            FROM due WHERE o.id = due.id
                            RETURNING o.id, o.chat_id, o.payload, o.attempts,
                                      coalesce((SELECT ch.unreachable FROM chat ch WHERE ch.chat_id = o.chat_id), false) AS unreachable)
                        SELECT k.id, k.chat_id, k.payload, k.attempts, k.unreachable, n.candidates
                        FROM (SELECT count(*) AS candidates FROM candidates) n LEFT JOIN claimed k ON true""";
    }

    /**
     * Delivered; the transport's message id is kept so later edits can refer to it. The content is dropped in the same
     * statement: the person has it now, and the row keeps only what the audit and the operator need.
     */
    public void delivered(long id, Integer transportMessageId) {
        jdbc.sql("UPDATE outbox SET status = 'SENT', sent_at = now(), done_at = now(), telegram_message_id = ?, lease_until = NULL"
                        + contentDrop() + " WHERE id = ?")
                .params(transportMessageId, id).update();
    }

    /** A delivered message, for {@link #deliveredAll}. */
    public record Delivery(long id, Integer transportMessageId) {
    }

    /** {@link #delivered} for many messages in one statement (the sender records its deliveries in batches). */
    public void deliveredAll(List<Delivery> done) {
        if (done.isEmpty()) return;
        jdbc.sql("UPDATE outbox o SET status = 'SENT', sent_at = now(), done_at = now(), telegram_message_id = d.m, lease_until = NULL"
                        + contentDrop() + " FROM unnest(?::bigint[], ?::int[]) AS d(i, m) WHERE o.id = d.i")
                .params(done.stream().map(Delivery::id).toArray(Long[]::new),
                        done.stream().map(Delivery::transportMessageId).toArray(Integer[]::new))
                .update();
    }

    /**
     * Not delivered this time; try again at {@code when}, in its lane. The chat's later messages of that lane wait
     * behind it (and, a reply, all its notifications).
     */
    public void retryAt(long id, Instant when, String error) {
        jdbc.sql("UPDATE outbox SET status = 'PENDING', not_before = ?, lease_until = NULL, last_error = ? WHERE id = ?")
                .params(java.sql.Timestamp.from(when), abbreviate(error), id).update();
        noteDueAt(when);
        signal();
    }

    private void noteDueAt(Instant when) {
        if (dueLater.size() >= DUE_LATER_MAX) dueLater.clear();
        dueLater.add(System.nanoTime() + Math.max(0, Duration.between(Instant.now(), when).toNanos()));
    }

    /** Given up on (an optional call that failed, or a permanent error); the chat's next messages go on. */
    public void failed(long id, String error) {
        jdbc.sql("UPDATE outbox SET status = 'FAILED', done_at = now(), lease_until = NULL, last_error = ?" + contentDrop()
                        + " WHERE id = ?")
                .params(abbreviate(error), id).update();
        signal();
    }

    /** The transport's message id of a delivered outbox row, if known. */
    public java.util.Optional<Integer> transportMessageId(long id) {
        java.util.Optional<Integer> recorded = jdbc.sql("SELECT telegram_message_id FROM outbox WHERE id = ?").param(id)
                .query(Integer.class).optional();
        HandOff sender = handOff;
        // delivered a moment ago, its record still to be written (the sender records deliveries in batches)
        return recorded.isPresent() || sender == null ? recorded : sender.deliveredMessageId(id);
    }

    /**
     * Blocks until something may be due: a signal, the time a message this instance put off becomes due, or the
     * timeout (for what another instance or a crash left).
     */
    public void awaitWork(Duration timeout) throws InterruptedException {
        long now = System.nanoTime();
        long wait = timeout.toNanos();
        boolean dueNow = false;
        for (Long due = dueLater.peek(); due != null && due - now <= 0; due = dueLater.peek()) {
            dueLater.remove(due);
            dueNow = true;
        }
        if (dueNow) return; // became due since the caller's last claim: claim again at once
        Long next = dueLater.peek();
        if (next != null) wait = Math.min(wait, next - now + 1_000_000); // a millisecond past it: now() is then past not_before
        lock.lock();
        try {
            if (!signalled) {
                work.await(wait, TimeUnit.NANOSECONDS);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sender (after this transaction commits, if there is one). */
    public void signalAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal();
                }
            });
        } else {
            signal();
        }
    }

    void signal() {
        lock.lock();
        try {
            signalled = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what waits for a chat that blocked the bot: it gets nothing more until it writes again. */
    void dropPending(long chatId) {
        writeQueued();
        jdbc.sql("UPDATE outbox SET status = 'DROPPED', done_at = now(), lease_until = NULL" + contentDrop()
                        + " WHERE chat_id = ? AND status IN ('PENDING', 'SENDING')")
                .param(chatId).update();
    }

    private String contentDrop() {
        return dropOnFinish ? ", payload = " + METADATA_ONLY : "";
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 500 ? s.substring(0, 500) : s;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Reply.Text.class, name = "text"),
            @JsonSubTypes.Type(value = Reply.Document.class, name = "document"),
            @JsonSubTypes.Type(value = Reply.Photo.class, name = "photo"),
            @JsonSubTypes.Type(value = Reply.File.class, name = "file"),
            @JsonSubTypes.Type(value = Reply.CallbackAnswer.class, name = "callback-answer")})
    private interface ReplyTypes {
    }
}
