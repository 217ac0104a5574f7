package io.partnerka.drip;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The drip module's read-only, set-based view of other modules' tables ({@code chat}, {@code partner},
 * {@code outbox}), kept in this one class. The public services answer one person at a time; a dispatcher that
 * handles thousands of rows a second, a broadcast to a segment and the scans need one query per batch instead.
 * Candidates for public bulk APIs in those modules (see the README, "Drip chains").
 */
@Component
class ProgramData {

    private final JdbcClient jdbc;

    ProgramData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Chats (and partner records) of these chat ids; a chat id with no row is missing from the map. */
    Map<Long, Subject> subjects(Collection<Long> chatIds) {
        Map<Long, Subject> out = new HashMap<>();
        if (chatIds.isEmpty()) return out;
        jdbc.sql("""
                        SELECT c.chat_id, c.user_id, c.language, c.unreachable, c.first_name,
                               p.id AS partner_id, p.status, p.type, p.segment, p.name, p.decided_at
                        FROM chat c LEFT JOIN partner p ON p.user_id = c.user_id
                        WHERE c.chat_id = ANY(?)""")
                .param(chatIds.toArray(Long[]::new))
                .query(this::mapSubject).list().forEach(s -> out.put(s.chatId(), s));
        return out;
    }

    java.util.Optional<Subject> subject(long chatId) {
        return java.util.Optional.ofNullable(subjects(List.of(chatId)).get(chatId));
    }

    /** The partner record of a user, for enrolment filters (type, segment, status). */
    java.util.Optional<Subject> subjectOfUser(long userId) {
        return jdbc.sql("""
                        SELECT coalesce(c.chat_id, p.chat_id, ?) AS chat_id, ? AS user_id, coalesce(c.language, p.language) AS language,
                               coalesce(c.unreachable, FALSE) AS unreachable, c.first_name,
                               p.id AS partner_id, p.status, p.type, p.segment, p.name, p.decided_at
                        FROM (SELECT 1) one
                        LEFT JOIN partner p ON p.user_id = ?
                        LEFT JOIN chat c ON c.chat_id = coalesce(p.chat_id, ?)
                        WHERE p.id IS NOT NULL OR c.chat_id IS NOT NULL""")
                .params(userId, userId, userId, userId).query(this::mapSubject).optional();
    }

    private Subject mapSubject(ResultSet rs, int n) throws SQLException {
        long partnerId = rs.getLong("partner_id");
        Long partner = rs.wasNull() ? null : partnerId;
        Timestamp decided = rs.getTimestamp("decided_at");
        return new Subject(rs.getLong("chat_id"), rs.getLong("user_id"), rs.getString("language"),
                rs.getBoolean("unreachable"), rs.getString("first_name"), partner, rs.getString("status"),
                rs.getString("type"), rs.getString("segment"), rs.getString("name"),
                decided == null ? null : decided.toInstant());
    }

    /** Unsent messages in the outbox (all chats): the dispatcher's back-pressure signal. */
    int outboxBacklog() {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE status = 'PENDING'").query(Integer.class).single();
    }

    /**
     * Enrols, in one statement, everyone who started the application form (or the prescoring questionnaire) and left
     * it for longer than {@code after}: chats in the flow "apply" or "prescoring", and applicants stuck in prescoring.
     */
    int enrolUnfinishedApplications(Chain chain, Instant now, Long[] managers) {
        Timestamp cutoff = Timestamp.from(now.minus(chain.after()));
        Timestamp ts = Timestamp.from(now);
        return jdbc.sql("""
                        INSERT INTO drip_enrollment (user_id, chat_id, chain_id, occurrence, trigger_name, next_step, due_at,
                                                     enrolled_at, updated_at)
                        SELECT c.user_id, c.chat_id, ?, 'once', ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz
                        FROM chat c LEFT JOIN partner p ON p.user_id = c.user_id
                        WHERE NOT c.unreachable AND c.user_id <> ALL(?)
                          AND (c.flow IN ('apply', 'prescoring') AND c.flow_updated_at < ?
                               OR p.status = 'PRESCORING' AND p.applied_at < ?)
                          AND (p.id IS NULL OR p.status IN ('PRESCORING', 'REJECTED'))
                        ON CONFLICT (user_id, chain_id, occurrence) DO NOTHING""")
                .params(chain.id(), chain.trigger(), chain.first().id(), Timestamp.from(now.plus(chain.first().delay())),
                        ts, ts, managers, cutoff, cutoff)
                .update();
    }

    /**
     * Enrols approved partners of the chain's types and segments whose last activity (approval, or the latest of the
     * activity facts) is older than {@code after}: once per stay of inactivity, the occurrence being its start.
     */
    int enrolInactive(Chain chain, Instant now, String[] activityFacts, Long[] managers) {
        Timestamp ts = Timestamp.from(now);
        return jdbc.sql("""
                        INSERT INTO drip_enrollment (user_id, chat_id, chain_id, occurrence, trigger_name, next_step, due_at,
                                                     enrolled_at, updated_at)
                        SELECT a.user_id, a.chat_id, ?, 'since:' || floor(extract(epoch FROM a.since))::bigint, ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz
                        FROM (SELECT p.user_id, p.chat_id,
                                     greatest(coalesce(p.decided_at, p.applied_at),
                                              (SELECT max(f.last_at) FROM drip_fact f
                                               WHERE f.user_id = p.user_id AND f.name = ANY(?))) AS since
                              FROM partner p
                              WHERE p.status = 'APPROVED' AND p.user_id <> ALL(?)
                                AND (cardinality(?::varchar[]) = 0 OR p.type = ANY(?))
                                AND (cardinality(?::varchar[]) = 0 OR p.segment = ANY(?))) a
                        WHERE a.since < ?
                        ON CONFLICT (user_id, chain_id, occurrence) DO NOTHING""")
                .params(chain.id(), chain.trigger(), chain.first().id(), Timestamp.from(now.plus(chain.first().delay())),
                        ts, ts, activityFacts, managers,
                        chain.partnerTypes().toArray(String[]::new), chain.partnerTypes().toArray(String[]::new),
                        chain.segments().toArray(String[]::new), chain.segments().toArray(String[]::new),
                        Timestamp.from(now.minus(chain.after())))
                .update();
    }

    // ---- broadcast audiences ----------------------------------------------------------------------------------

    /** The SQL condition (on partner p) and parameters of an audience such as "all", "type:company", "active". */
    private record Filter(String where, Object[] params) {
    }

    private Filter filter(Audience audience, Instant now, String[] activityFacts, java.time.Duration activeWithin) {
        String activity = """
                greatest(coalesce(p.decided_at, p.applied_at),
                         (SELECT max(f.last_at) FROM drip_fact f WHERE f.user_id = p.user_id AND f.name = ANY(?)))""";
        Timestamp since = Timestamp.from(now.minus(activeWithin));
        return switch (audience.kind()) {
            case ALL -> new Filter("TRUE", new Object[0]);
            case TYPE -> new Filter("p.type = ?", new Object[]{audience.value()});
            case SEGMENT -> new Filter("p.segment = ?", new Object[]{audience.value()});
            case ACTIVE -> new Filter(activity + " >= ?", new Object[]{activityFacts, since});
            case INACTIVE -> new Filter(activity + " < ?", new Object[]{activityFacts, since});
        };
    }

    /** Who of an audience the bot can reach, and how many are known to have blocked it. */
    record AudienceSize(int reachable, int unreachable) {
    }

    AudienceSize audienceSize(Audience audience, Instant now, String[] activityFacts, java.time.Duration activeWithin, Long[] managers) {
        Filter f = filter(audience, now, activityFacts, activeWithin);
        Object[] params = concat(new Object[]{managers}, f.params());
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE NOT coalesce(c.unreachable, false)), count(*) FILTER (WHERE c.unreachable)
                        FROM partner p LEFT JOIN chat c ON c.chat_id = p.chat_id
                        WHERE p.status = 'APPROVED' AND p.user_id <> ALL(?) AND\s""" + f.where())
                .params(params).query((rs, n) -> new AudienceSize(rs.getInt(1), rs.getInt(2))).single();
    }

    /**
     * Snapshots the audience into the broadcast's recipients; returns how many the bot can reach. Those known to have
     * blocked it are recorded as unreachable at once (they are counted apart, not as "to deliver").
     */
    int insertRecipients(long broadcastId, Audience audience, Instant now, String[] activityFacts,
                         java.time.Duration activeWithin, Long[] managers) {
        Filter f = filter(audience, now, activityFacts, activeWithin);
        Object[] params = concat(new Object[]{broadcastId, managers}, f.params());
        jdbc.sql("INSERT INTO drip_broadcast_recipient (broadcast_id, chat_id, user_id, status) "
                        + "SELECT ?::bigint, p.chat_id, p.user_id, CASE WHEN c.unreachable THEN 'UNREACHABLE' ELSE 'PENDING' END "
                        + "FROM partner p LEFT JOIN chat c ON c.chat_id = p.chat_id "
                        + "WHERE p.status = 'APPROVED' AND p.user_id <> ALL(?) AND " + f.where() + " ON CONFLICT DO NOTHING")
                .params(params).update();
        return jdbc.sql("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'PENDING'")
                .param(broadcastId).query(Integer.class).single();
    }

    /** Partner types and segments in use, for the audience choice. */
    List<String> typesInUse() {
        return jdbc.sql("SELECT DISTINCT type FROM partner WHERE status = 'APPROVED' ORDER BY type").query(String.class).list();
    }

    List<String> segmentsInUse() {
        return jdbc.sql("SELECT DISTINCT segment FROM partner WHERE status = 'APPROVED' ORDER BY segment").query(String.class).list();
    }

    /** How the outbox rows of a broadcast fared: delivered, dropped (the person blocked the bot), failed. */
    long[] deliveryCounts(long broadcastId) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE o.status = 'SENT'), count(*) FILTER (WHERE o.status = 'DROPPED'),
                               count(*) FILTER (WHERE o.status = 'FAILED'), count(*) FILTER (WHERE o.status IN ('PENDING', 'SENDING'))
                        FROM drip_broadcast_recipient r JOIN outbox o ON o.id = r.outbox_id
                        WHERE r.broadcast_id = ? AND r.status = 'QUEUED'""")
                .param(broadcastId)
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)}).single();
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
