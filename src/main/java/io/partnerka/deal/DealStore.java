package io.partnerka.deal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Deals, their history and external ids, in plain SQL (locks and conditional updates are the point here). */
@Repository
class DealStore {

    private final JdbcClient jdbc;

    DealStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<DealView> find(long id) {
        return jdbc.sql("SELECT * FROM deal WHERE id = ?").param(id).query(DealStore::view).optional();
    }

    /** The deal's row locked for this transaction: concurrent changes of one deal queue up behind each other. */
    Optional<DealView> lock(long id) {
        return jdbc.sql("SELECT * FROM deal WHERE id = ? FOR UPDATE").param(id).query(DealStore::view).optional();
    }

    /** Serialises submissions of one phone number (so two partners racing with the same client cannot both win). */
    void lockPhone(String phone) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))").param("deal-phone:" + phone).query().singleRow();
    }

    /** Deals with this phone submitted since an instant, newest first. */
    List<DealView> byPhoneSince(String phone, Instant since) {
        return jdbc.sql("SELECT * FROM deal WHERE client_phone = ? AND submitted_at >= ? ORDER BY submitted_at DESC, id DESC")
                .params(phone, Timestamp.from(since)).query(DealStore::view).list();
    }

    /** A deal just written, with its first history entry. */
    record Inserted(DealView deal, HistoryEntry first) {
    }

    /** A new deal and its first history entry, in one statement. */
    Inserted insert(long partnerId, String name, String phone, String product, String comment, String status,
                    String source, long actorId, String actorName) {
        return jdbc.sql("""
                        WITH d AS (INSERT INTO deal (partner_id, client_name, client_phone, product, comment, status)
                                   VALUES (?, ?, ?, ?, ?, ?) RETURNING *),
                             h AS (INSERT INTO deal_history (deal_id, to_status, comment, source, actor_id, actor_name)
                                   SELECT id, status, comment, ?, ?, ? FROM d
                                   RETURNING id AS history_id, at AS history_at)
                        SELECT * FROM d, h""")
                .params(partnerId, name, phone, product, comment, status, source, actorId, actorName)
                .query((rs, n) -> new Inserted(view(rs, n), new HistoryEntry(rs.getLong("history_id"), null, status, null,
                        null, comment, source, actorId, actorName, rs.getTimestamp("history_at").toInstant())))
                .single();
    }

    void update(long id, String status, BigDecimal amount, String currency, boolean statusChanged) {
        jdbc.sql("""
                        UPDATE deal SET status = ?, amount = ?, currency = ?, version = version + 1,
                               status_changed_at = CASE WHEN ? THEN now() ELSE status_changed_at END
                        WHERE id = ?""")
                .params(status, amount, currency, statusChanged, id).update();
    }

    void history(long dealId, String from, String to, BigDecimal amount, String currency, String comment, String source,
                 Long actorId, String actorName) {
        jdbc.sql("""
                        INSERT INTO deal_history (deal_id, from_status, to_status, amount, currency, comment, source,
                                                  actor_id, actor_name)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(dealId, from, to, amount, currency, comment, source, actorId, actorName).update();
    }

    List<HistoryEntry> history(long dealId) {
        return jdbc.sql("SELECT * FROM deal_history WHERE deal_id = ? ORDER BY id").param(dealId)
                .query((rs, n) -> new HistoryEntry(rs.getLong("id"), rs.getString("from_status"), rs.getString("to_status"),
                        rs.getBigDecimal("amount"), rs.getString("currency"), rs.getString("comment"), rs.getString("source"),
                        (Long) rs.getObject("actor_id"), rs.getString("actor_name"), rs.getTimestamp("at").toInstant()))
                .list();
    }

    /** A partner's deals, newest first; {@code statuses} null means all. */
    List<DealView> ofPartner(long partnerId, List<String> statuses, int offset, int limit) {
        String filter = statuses == null ? "" : " AND status IN (:statuses)";
        var spec = jdbc.sql("SELECT * FROM deal WHERE partner_id = :partner" + filter + " ORDER BY id DESC OFFSET :offset LIMIT :limit")
                .param("partner", partnerId).param("offset", offset).param("limit", limit);
        if (statuses != null) spec = spec.param("statuses", statuses);
        return spec.query(DealStore::view).list();
    }

    int countOfPartner(long partnerId, List<String> statuses) {
        String filter = statuses == null ? "" : " AND status IN (:statuses)";
        var spec = jdbc.sql("SELECT count(*) FROM deal WHERE partner_id = :partner" + filter).param("partner", partnerId);
        if (statuses != null) spec = spec.param("statuses", statuses);
        return spec.query(Integer.class).single();
    }

    /** Open deals (e.g. for a manager's list), the longest unchanged first. */
    List<DealView> inStatuses(List<String> statuses, int limit) {
        return jdbc.sql("SELECT * FROM deal WHERE status IN (:statuses) ORDER BY status_changed_at, id LIMIT :limit")
                .param("statuses", statuses).param("limit", limit).query(DealStore::view).list();
    }

    /** The first {@code perStatus} deals of each status, the longest unchanged first (a board's columns), in one query. */
    List<DealView> firstOfEachStatus(List<String> statuses, int perStatus) {
        return jdbc.sql("""
                        SELECT d.* FROM unnest(?::text[]) AS s(status)
                        CROSS JOIN LATERAL (SELECT * FROM deal WHERE deal.status = s.status ORDER BY status_changed_at, id LIMIT ?) d""")
                .params(statuses.toArray(String[]::new), perStatus).query(DealStore::view).list();
    }

    /** One status's deals from {@code offset} on, the longest unchanged first (a board column's next page). */
    List<DealView> inStatus(String status, int offset, int limit) {
        return jdbc.sql("SELECT * FROM deal WHERE status = ? ORDER BY status_changed_at, id OFFSET ? LIMIT ?")
                .params(status, offset, limit).query(DealStore::view).list();
    }

    Map<String, Integer> countByStatus(List<String> statuses) {
        Map<String, Integer> out = new java.util.HashMap<>();
        jdbc.sql("SELECT status, count(*) FROM deal WHERE status = ANY(?) GROUP BY status").param(statuses.toArray(String[]::new))
                .query((rs, n) -> out.put(rs.getString(1), rs.getInt(2))).list();
        return out;
    }

    /** Deals in an open status (not paid, lost or refunded) unchanged since before {@code before}, oldest first. */
    List<DealView> openUnchangedSince(List<String> open, Instant before, int limit) {
        return jdbc.sql("""
                        SELECT * FROM deal WHERE status IN (:statuses) AND status_changed_at < :before
                        ORDER BY status_changed_at, id LIMIT :limit""")
                .param("statuses", open).param("before", java.sql.Timestamp.from(before)).param("limit", limit)
                .query(DealStore::view).list();
    }

    Optional<Long> byExternal(String system, String externalId) {
        return jdbc.sql("SELECT deal_id FROM deal_external_ref WHERE system = ? AND external_id = ?")
                .params(system, externalId).query(Long.class).optional();
    }

    Optional<String> externalId(long dealId, String system) {
        return jdbc.sql("SELECT external_id FROM deal_external_ref WHERE system = ? AND deal_id = ?")
                .params(system, dealId).query(String.class).optional();
    }

    /** Links an external id; false when the id or the deal is already linked otherwise in that system. */
    boolean link(long dealId, String system, String externalId) {
        return jdbc.sql("INSERT INTO deal_external_ref (system, external_id, deal_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(system, externalId, dealId).update() == 1;
    }

    private static DealView view(ResultSet rs, int n) throws SQLException {
        return new DealView(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("client_name"),
                rs.getString("client_phone"), rs.getString("product"), rs.getString("comment"), rs.getString("status"),
                rs.getBigDecimal("amount"), rs.getString("currency"), rs.getTimestamp("submitted_at").toInstant(),
                rs.getTimestamp("status_changed_at").toInstant(), rs.getInt("version"));
    }
}
