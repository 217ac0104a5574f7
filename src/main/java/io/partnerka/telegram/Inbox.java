package io.partnerka.telegram;

import io.partnerka.conversation.ConversationEngine;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code telegram_inbox} table: updates recorded before they are confirmed, then claimed and processed per chat. */
@Repository
class Inbox {

    private final JdbcClient jdbc;

    Inbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An update to record; {@code ignored} ones are recorded as processed already (kept only to dedupe). */
    record Row(long updateId, Long chatId, String payload, boolean ignored) {
    }

    /** An update claimed for processing; {@code more}: the chat had a later update waiting too. */
    record Claimed(long updateId, long chatId, String payload, int attempts, boolean more) {
    }

    /** What recording a batch did: how many updates were new, and the chats that got work. */
    record Recorded(int fresh, Set<Long> chats) {
    }

    /** Records a batch in one statement (all or nothing); update ids seen before are skipped. */
    Recorded insert(List<Row> rows) {
        int n = rows.size();
        Long[] ids = new Long[n];
        Long[] chats = new Long[n];
        String[] payloads = new String[n];
        Boolean[] ignored = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            ids[i] = r.updateId();
            chats[i] = r.chatId();
            payloads[i] = r.payload();
            ignored[i] = r.ignored();
        }
        List<Long> fresh = jdbc.sql("""
                        INSERT INTO telegram_inbox (update_id, chat_id, payload, processed_at)
                        SELECT u, c, p::jsonb, CASE WHEN i THEN now() END
                        FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::boolean[]) AS t(u, c, p, i)
                        ON CONFLICT (update_id) DO NOTHING
                        RETURNING CASE WHEN processed_at IS NULL THEN chat_id END""")
                .params(ids, chats, payloads, ignored)
                .query((rs, i) -> rs.getObject(1) == null ? null : rs.getLong(1))
                .list();
        Set<Long> withWork = new LinkedHashSet<>();
        for (Long chat : fresh) {
            if (chat != null) withWork.add(chat);
        }
        return new Recorded(fresh.size(), withWork);
    }

    /**
     * The rows with each one PostgreSQL refuses (a value it cannot store) replaced by a placeholder recorded as
     * done, so one unstorable update never holds up its batch, the poller, or the webhook, nor comes back.
     */
    List<Row> storable(List<Row> rows) {
        List<Row> result = new java.util.ArrayList<>(rows.size());
        for (Row r : rows) {
            try {
                jdbc.sql("SELECT ?::jsonb IS NOT NULL").param(r.payload()).query(Boolean.class).single();
                result.add(r);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Inbox.class).error("Update {} cannot be stored ({}) and is skipped",
                        r.updateId(), Failures.describe(e));
                result.add(new Row(r.updateId(), r.chatId(), "{\"update_id\":" + r.updateId() + ",\"unstorable\":true}", true));
            }
        }
        return result;
    }

    /** A refusal of the data itself (SQL state class 22), which no retry cures. */
    static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) return true;
        }
        return false;
    }

    /** Of these rows, the update ids already recorded with a different content: a reused id, not a redelivery (a
     * processed update keeps no content, so its redelivery is not one). */
    List<Long> reusedIds(List<Row> rows) {
        Long[] ids = rows.stream().map(Row::updateId).toArray(Long[]::new);
        String[] payloads = rows.stream().map(Row::payload).toArray(String[]::new);
        return jdbc.sql("""
                        SELECT t.update_id FROM telegram_inbox t
                        JOIN unnest(?::bigint[], ?::text[]) AS n(u, p) ON n.u = t.update_id
                        WHERE t.payload <> n.p::jsonb AND t.payload <> '{}'::jsonb""")
                .params(ids, payloads).query(Long.class).list();
    }

    int nextLocalUpdateId() {
        return jdbc.sql("SELECT nextval('telegram_local_update_id')").query(Long.class).single().intValue();
    }

    /**
     * In the caller's transaction, locks the chat's oldest unprocessed update when it is due (not backing off after a
     * failure) and nobody else holds it (another worker or instance): the lock is held for the work and goes with the
     * transaction — at its commit, its rollback, or with the connection of a worker that died. A later update of the
     * chat is never taken while an earlier one is open, so a chat's updates are handled one at a time and in order,
     * across instances too. {@code attempts}: the failures recorded so far; {@code more}: whether to look again
     * after this one (what arrives later is scheduled by whoever records it).
     */
    Claimed claimNext(long chatId) {
        return jdbc.sql("""
                        SELECT c.update_id, c.chat_id, c.payload::text, c.attempts,
                               EXISTS (SELECT 1 FROM telegram_inbox m
                                       WHERE m.chat_id = c.chat_id AND m.processed_at IS NULL AND m.update_id > c.update_id)
                        FROM telegram_inbox c
                        WHERE c.chat_id = ? AND c.processed_at IS NULL AND (c.lease_until IS NULL OR c.lease_until <= now())
                          AND NOT EXISTS (SELECT 1 FROM telegram_inbox e
                                          WHERE e.chat_id = c.chat_id AND e.processed_at IS NULL AND e.update_id < c.update_id)
                        ORDER BY c.update_id LIMIT 1
                        FOR UPDATE SKIP LOCKED""")
                .param(chatId)
                .query((rs, i) -> new Claimed(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5)))
                .optional().orElse(null);
    }

    /**
     * In the caller's transaction (the one that does the update's work), records a fresh update as processed already,
     * without its content — unless it was recorded before (a redelivery, or another instance has it) or the chat has
     * an open update that must go first: false then, and the caller records it for the workers instead. Until the
     * transaction ends, a duplicate insert of the same update waits on this one's key.
     */
    boolean insertProcessed(long updateId, long chatId) {
        ConversationEngine.Claim claim = processedClaim(updateId, chatId);
        return jdbc.sql(claim.sql()).params(claim.params()).query(Long.class).optional().isPresent();
    }

    /**
     * {@link #insertProcessed} as the claim the conversation engine runs in the statement that locks the chat (one
     * round trip for both); it returns a row when the update is this transaction's.
     */
    ConversationEngine.Claim processedClaim(long updateId, long chatId) {
        // the transaction waits for no lock longer than LOCK_WAIT (set here, not in a statement of its own: the
        // engine's lock of the chat runs after it): a chat someone else holds is left to the workers rather than
        // holding up the poller or the webhook
        return new ConversationEngine.Claim("""
                        INSERT INTO telegram_inbox (update_id, chat_id, payload, processed_at)
                        SELECT ?, ?, '{}'::jsonb, now() FROM (SELECT set_config('lock_timeout', ?, true)) AS bounded
                        WHERE NOT EXISTS (SELECT 1 FROM telegram_inbox e WHERE e.chat_id = ? AND e.processed_at IS NULL)
                        ON CONFLICT (update_id) DO NOTHING
                        RETURNING update_id""", updateId, chatId, LOCK_WAIT.toMillis() + "ms", chatId);
    }

    /** The longest an update processed on receipt waits for a lock (see {@link #insertProcessed}). */
    static final Duration LOCK_WAIT = Duration.ofMillis(500);

    /** A lock not granted within the transaction's lock timeout (SQL state 55P03). */
    static boolean isLockTimeout(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "55P03".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    /**
     * Marks an update processed; runs inside the transaction that commits its outcome (which holds the row since
     * {@link #claimNext}). The update's content is dropped: only its id is needed to recognise a redelivery, and what
     * people type (a card number for their payout details, a client's phone) should not lie around for the retention
     * period.
     */
    void markProcessed(long updateId) {
        if (!markProcessedIfOpen(updateId)) {
            throw new IllegalStateException("Update " + updateId + " was already processed");
        }
    }

    /**
     * Marks an update processed unless someone else has (waiting for whoever holds it now); false then. This is the
     * claim of a second transaction about the same update (telling the person it failed).
     */
    boolean markProcessedIfOpen(long updateId) {
        return jdbc.sql("""
                        UPDATE telegram_inbox SET processed_at = now(), lease_until = NULL, payload = '{}'::jsonb
                        WHERE update_id = ? AND processed_at IS NULL""")
                .param(updateId).update() == 1;
    }

    /**
     * {@link #markProcessed} as the claim the conversation engine runs in the statement that locks the chat: the
     * workers' path then marks the update in that round trip too. It returns a row unless someone processed the
     * update already (not possible while this transaction holds it since {@link #claimNext}).
     */
    ConversationEngine.Claim processingClaim(long updateId) {
        return new ConversationEngine.Claim("""
                        UPDATE telegram_inbox SET processed_at = now(), lease_until = NULL, payload = '{}'::jsonb
                        WHERE update_id = ? AND processed_at IS NULL
                        RETURNING update_id""", updateId);
    }

    /** Marks an update done without processing it (unreadable, or given up on), with the reason. */
    void giveUp(long updateId, String reason) {
        jdbc.sql("UPDATE telegram_inbox SET processed_at = now(), lease_until = NULL, last_error = ? WHERE update_id = ? AND processed_at IS NULL")
                .params(abbreviate(reason), updateId).update();
    }

    /**
     * Processing failed (and was rolled back): one more attempt is counted, the update is tried again after
     * {@code delay}, and the chat's later updates wait for it.
     */
    void retryLater(long updateId, Duration delay, String error) {
        jdbc.sql("""
                        UPDATE telegram_inbox SET lease_until = now() + make_interval(secs => ?), last_error = ?, attempts = attempts + 1
                        WHERE update_id = ? AND processed_at IS NULL""")
                .params((double) delay.toMillis() / 1000, abbreviate(error), updateId).update();
    }

    /** Chats with an update that is waiting (not backing off; it may be in the works right now), oldest first. */
    List<Long> chatsWithDueUpdates(int max) {
        return jdbc.sql("""
                        SELECT chat_id FROM telegram_inbox
                        WHERE processed_at IS NULL AND chat_id IS NOT NULL AND (lease_until IS NULL OR lease_until <= now())
                        GROUP BY chat_id ORDER BY min(update_id) LIMIT ?""")
                .param(max).query(Long.class).list();
    }

    /** Forgets processed updates older than {@code before}: Telegram does not redeliver that late. */
    int deleteProcessedBefore(Instant before) {
        return jdbc.sql("DELETE FROM telegram_inbox WHERE processed_at < ?").param(Timestamp.from(before)).update();
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 500 ? s.substring(0, 500) : s;
    }
}
