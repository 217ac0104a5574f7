package io.partnerka.conversation;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes chat rows; {@link #lock} serialises all work on one chat, across instances too. */
@Repository
class ChatStore {

    private static final TypeReference<LinkedHashMap<String, String>> DRAFT = new TypeReference<>() {
    };
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    ChatStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the chat's row for this transaction, creating it first if this is someone new. */
    ChatRecord lock(long chatId, long userId, String language) {
        // almost every update is from someone known: one statement then, the insert only for a newcomer
        Optional<ChatRecord> known = jdbc.sql("SELECT * FROM chat WHERE chat_id = ? FOR UPDATE").param(chatId).query(this::read).optional();
        if (known.isPresent()) return known.get();
        int inserted = jdbc.sql("INSERT INTO chat (chat_id, user_id, language) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO NOTHING")
                .params(chatId, userId, language).update();
        ChatRecord chat = jdbc.sql("SELECT * FROM chat WHERE chat_id = ? FOR UPDATE").param(chatId).query(this::read).single();
        chat.created = inserted == 1;
        return chat;
    }

    /**
     * {@link #lock}, in one statement with a claim that runs first (a data-modifying statement of the caller's, e.g.
     * the transport recording its update as processed): null when the claim returned no row — the work is not this
     * caller's, and nothing is locked. One round trip instead of two on every update; the claim is a CTE the lock
     * depends on, so PostgreSQL runs it (and whatever it sets, such as a lock timeout) before it reads and locks the
     * chat's row. The SQL comes from the caller so that this module needs to know nothing of its tables.
     */
    ChatRecord lockAfter(ConversationEngine.Claim claim, long chatId, long userId, String language) {
        Object[] params = java.util.Arrays.copyOf(claim.params(), claim.params().length + 1);
        params[params.length - 1] = chatId;
        Locked locked = jdbc.sql("WITH claim AS (" + claim.sql() + """
                        )
                        SELECT k.claimed, c.* FROM (SELECT EXISTS (SELECT 1 FROM claim) AS claimed) k
                        LEFT JOIN LATERAL (SELECT * FROM chat WHERE chat_id = ? AND k.claimed FOR UPDATE) c ON true""")
                .params(params)
                .query((rs, n) -> new Locked(rs.getBoolean("claimed"), rs.getObject("chat_id") == null ? null : read(rs, n)))
                .single();
        if (!locked.claimed()) return null;
        return locked.chat() != null ? locked.chat() : lock(chatId, userId, language); // a newcomer: created as by lock
    }

    private record Locked(boolean claimed, ChatRecord chat) {
    }

    /** A chat's row without locking it (to read its language and place, e.g. for a notification). */
    Optional<ChatRecord> find(long chatId) {
        return jdbc.sql("SELECT * FROM chat WHERE chat_id = ?").param(chatId).query(this::read).optional();
    }

    private ChatRecord read(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        ChatRecord c = new ChatRecord(rs.getLong("chat_id"), rs.getLong("user_id"));
        c.firstName = rs.getString("first_name");
        c.username = rs.getString("username");
        c.language = rs.getString("language");
        c.languageChosen = rs.getBoolean("language_chosen");
        c.unreachable = rs.getBoolean("unreachable");
        c.flow = rs.getString("flow");
        c.step = rs.getString("step");
        String d = rs.getString("draft");
        c.draft = d == null ? new LinkedHashMap<>() : json.readValue(d, DRAFT);
        c.version = rs.getInt("version");
        Timestamp t = rs.getTimestamp("flow_updated_at");
        c.flowUpdatedAt = t == null ? null : t.toInstant();
        return c;
    }

    void save(ChatRecord c) {
        Sql save = saving(c);
        jdbc.sql(save.text()).params(save.params()).update();
    }

    /** The statement {@link #save} runs, for a caller that runs it together with its own (see {@link Outbox#writeQueued}). */
    Sql saving(ChatRecord c) {
        return new Sql("""
                        UPDATE chat SET first_name = ?, username = ?, language = ?, language_chosen = ?, unreachable = ?,
                               flow = ?, step = ?, draft = ?::jsonb, version = ?, flow_updated_at = ?, last_seen_at = now()
                        WHERE chat_id = ?""",
                clip(c.firstName, 256), clip(c.username, 64), c.language, c.languageChosen, c.unreachable, c.flow, c.step,
                c.flow == null ? null : json.writeValueAsString(c.draft), c.version,
                c.flowUpdatedAt == null ? null : Timestamp.from(c.flowUpdatedAt), c.chatId);
    }

    /** A statement and its parameters. */
    record Sql(String text, Object... params) {
    }

    /** Names come from the person's Telegram profile: never let an oversized one fail every update of the chat. */
    private static String clip(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    Optional<String> language(long chatId) {
        return jdbc.sql("SELECT language FROM chat WHERE chat_id = ?").param(chatId).query(String.class).optional();
    }

    /** Private chats whose language is a given one, most recently seen first. */
    java.util.List<Long> chatsReading(String language, int limit) {
        return jdbc.sql("SELECT chat_id FROM chat WHERE language = ? AND chat_id > 0 AND NOT unreachable "
                        + "ORDER BY last_seen_at DESC LIMIT ?")
                .params(language, limit).query(Long.class).list();
    }

    boolean isUnreachable(long chatId) {
        return jdbc.sql("SELECT unreachable FROM chat WHERE chat_id = ?").param(chatId).query(Boolean.class)
                .optional().orElse(false);
    }

    void markUnreachable(long chatId) {
        jdbc.sql("UPDATE chat SET unreachable = TRUE WHERE chat_id = ?").param(chatId).update();
    }

    Map<String, Object> profile(long chatId) {
        return jdbc.sql("SELECT first_name, username, language FROM chat WHERE chat_id = ?").param(chatId)
                .query().singleRow();
    }
}
