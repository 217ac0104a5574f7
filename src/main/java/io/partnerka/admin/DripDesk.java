package io.partnerka.admin;

import io.partnerka.approval.AuditLog;
import io.partnerka.conversation.Content;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Drip chains and broadcasts for the back office, read from the drip module's tables: per chain how many entered,
 * are on their way, got a step, had one skipped, clicked; pause and resume (the same row {@code /drip_pause} writes,
 * which the dispatcher and the scanner read); broadcasts with delivery and RSVP counts.
 */
@Service
class DripDesk {

    private final JdbcClient jdbc;
    private final Content content;
    private final AuditLog audit;

    DripDesk(JdbcClient jdbc, Content content, AuditLog audit) {
        this.jdbc = jdbc;
        this.content = content;
        this.audit = audit;
    }

    public record ChainStats(String id, boolean configured, boolean paused, long entered, long active, long sent, long skipped,
                      long clicked, String clickRate) {
    }

    List<ChainStats> chains() {
        TreeSet<String> ids = new TreeSet<>(configuredChains());
        Map<String, long[]> stats = new HashMap<>();
        jdbc.sql("SELECT chain_id, count(*), count(*) FILTER (WHERE status = 'ACTIVE') FROM drip_enrollment GROUP BY chain_id")
                .query(rs -> {
                    long[] s = stats.computeIfAbsent(rs.getString(1), k -> new long[5]);
                    s[0] = rs.getLong(2);
                    s[1] = rs.getLong(3);
                });
        jdbc.sql("""
                        SELECT chain_id, count(*) FILTER (WHERE outcome = 'SENT'), count(*) FILTER (WHERE outcome = 'SKIPPED'),
                               count(*) FILTER (WHERE clicked_at IS NOT NULL) FROM drip_send GROUP BY chain_id""")
                .query(rs -> {
                    long[] s = stats.computeIfAbsent(rs.getString(1), k -> new long[5]);
                    s[2] = rs.getLong(2);
                    s[3] = rs.getLong(3);
                    s[4] = rs.getLong(4);
                });
        ids.addAll(stats.keySet());
        List<String> paused = pausedChains();
        List<String> configured = configuredChains();
        List<ChainStats> out = new ArrayList<>();
        for (String id : ids) {
            long[] s = stats.getOrDefault(id, new long[5]);
            out.add(new ChainStats(id, configured.contains(id), paused.contains(id), s[0], s[1], s[2], s[3], s[4],
                    ProgramStats.percent(s[4], s[2]).toPlainString() + " %"));
        }
        return out;
    }

    @Transactional
    void setPaused(String chainId, boolean pause, Operator operator) {
        if (!configuredChains().contains(chainId)) throw ApprovalDesk.notFound("drip chain", chainId);
        boolean was = pausedChains().contains(chainId);
        jdbc.sql("""
                        INSERT INTO drip_chain_state (chain_id, paused, changed_by, changed_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (chain_id) DO UPDATE SET paused = excluded.paused, changed_by = excluded.changed_by,
                                                             changed_at = excluded.changed_at""")
                .params(chainId, pause, operator.actorId(), Timestamp.from(Instant.now())).update();
        if (was != pause) {
            audit.record(operator.decider(), pause ? "drip.chain-paused" : "drip.chain-resumed", "chain#" + chainId,
                    Map.of("paused", was), Map.of("paused", pause));
        }
    }

    public record BroadcastStats(long id, String audience, String text, String status, boolean rsvp, long total, long queued,
                          long delivered, long unreachable, long failed, long waiting, long going, long maybe, long no,
                          Instant createdAt, Instant finishedAt) {
    }

    List<BroadcastStats> broadcasts(int limit) {
        return jdbc.sql("""
                        SELECT b.id, b.audience, b.text, b.status, b.rsvp, b.total, b.created_at, b.finished_at,
                          (SELECT count(*) FROM drip_broadcast_recipient r WHERE r.broadcast_id = b.id AND r.status = 'QUEUED') AS queued,
                          (SELECT count(*) FROM drip_broadcast_recipient r JOIN outbox o ON o.id = r.outbox_id
                             WHERE r.broadcast_id = b.id AND o.status = 'SENT') AS delivered,
                          (SELECT count(*) FROM drip_broadcast_recipient r WHERE r.broadcast_id = b.id AND r.status = 'UNREACHABLE')
                           + (SELECT count(*) FROM drip_broadcast_recipient r JOIN outbox o ON o.id = r.outbox_id
                             WHERE r.broadcast_id = b.id AND o.status = 'DROPPED') AS unreachable,
                          (SELECT count(*) FROM drip_broadcast_recipient r JOIN outbox o ON o.id = r.outbox_id
                             WHERE r.broadcast_id = b.id AND o.status = 'FAILED') AS failed,
                          (SELECT count(*) FROM drip_broadcast_recipient r LEFT JOIN outbox o ON o.id = r.outbox_id
                             WHERE r.broadcast_id = b.id AND (r.status = 'PENDING' OR o.status IN ('PENDING', 'SENDING'))) AS waiting,
                          (SELECT count(*) FROM drip_rsvp v WHERE v.broadcast_id = b.id AND v.answer = 'going') AS going,
                          (SELECT count(*) FROM drip_rsvp v WHERE v.broadcast_id = b.id AND v.answer = 'maybe') AS maybe,
                          (SELECT count(*) FROM drip_rsvp v WHERE v.broadcast_id = b.id AND v.answer = 'no') AS no
                        FROM drip_broadcast b ORDER BY b.id DESC LIMIT ?""")
                .param(limit)
                .query((rs, n) -> new BroadcastStats(rs.getLong("id"), rs.getString("audience"), rs.getString("text"),
                        rs.getString("status"), rs.getBoolean("rsvp"), rs.getLong("total"), rs.getLong("queued"),
                        rs.getLong("delivered"), rs.getLong("unreachable"), rs.getLong("failed"), rs.getLong("waiting"),
                        rs.getLong("going"), rs.getLong("maybe"), rs.getLong("no"), PartnerDirectory.instant(rs, "created_at"),
                        PartnerDirectory.instant(rs, "finished_at"))).list();
    }

    /** Chain ids: a file's {@code id}, else its name, under messages/drip (the operator's copy when configured). */
    private List<String> configuredChains() {
        return content.list("drip").stream().map(path -> {
            String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.yml$", "");
            try {
                tools.jackson.databind.JsonNode id = content.tree(path).get("id");
                return id == null || id.isNull() ? base : id.asString();
            } catch (RuntimeException e) {
                return base;
            }
        }).toList();
    }

    private List<String> pausedChains() {
        return jdbc.sql("SELECT chain_id FROM drip_chain_state WHERE paused").query(String.class).list();
    }
}
