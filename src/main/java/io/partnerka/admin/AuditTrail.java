package io.partnerka.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log for reading: who (one identity for a person linked to their Telegram id, whichever channel they
 * used), when, what, on what, and the state before and after with the changed keys marked.
 */
@Service
class AuditTrail {

    private final JdbcClient jdbc;
    private final AdminAccounts accounts;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditTrail(JdbcClient jdbc, AdminAccounts accounts) {
        this.jdbc = jdbc;
        this.accounts = accounts;
    }

    public record Change(String key, String before, String after, boolean changed) {
    }

    public record Entry(long id, Instant at, Long actorId, String actor, String channel, String action, String subject,
                 Map<String, Object> before, Map<String, Object> after, List<Change> changes) {

        /** The page of the thing the entry is about ("application#2" is on partner #2's page), or null. */
        public String link() {
            if (subject == null || !subject.matches("[a-z-]+#\\d{1,18}")) return "chain".equals(kind()) ? "/admin/drip" : null;
            String id = subject.substring(subject.indexOf('#') + 1);
            return switch (kind()) {
                case "application", "partner" -> "/admin/partners/" + id;
                case "deal" -> "/admin/deals/" + id;
                case "payout" -> "/admin/payouts#payout-" + id;
                default -> null;
            };
        }

        private String kind() {
            return subject == null || !subject.contains("#") ? "" : subject.substring(0, subject.indexOf('#'));
        }
    }

    public record Filter(String actor, String action, String subject, int page) {

        static final int PAGE_SIZE = 100;

        public Filter {
            actor = PartnerDirectory.blankToNull(actor);
            action = PartnerDirectory.blankToNull(action);
            subject = PartnerDirectory.blankToNull(subject);
            page = Math.max(0, page);
        }
    }

    List<Entry> search(Filter f) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (f.actor() != null) {
            if (f.actor().matches("-?\\d{1,18}")) {
                sql.append(" AND actor_id = :actorId");
                params.put("actorId", Long.parseLong(f.actor()));
            } else {
                sql.append(" AND actor_name ILIKE :actor");
                params.put("actor", "%" + f.actor() + "%");
            }
        }
        if (f.action() != null) {
            sql.append(" AND action LIKE :action");
            params.put("action", f.action() + "%");
        }
        if (f.subject() != null) {
            sql.append(" AND subject = :subject");
            params.put("subject", f.subject());
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset");
        params.put("limit", Filter.PAGE_SIZE + 1);
        params.put("offset", f.page() * Filter.PAGE_SIZE);
        return jdbc.sql(sql.toString()).params(params).query(this::entry).list();
    }

    List<Entry> about(List<String> subjects, int limit) {
        return jdbc.sql("SELECT * FROM audit_log WHERE subject IN (:subjects) ORDER BY at DESC, id DESC LIMIT :limit")
                .param("subjects", subjects).param("limit", limit).query(this::entry).list();
    }

    private Entry entry(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Long actorId = PartnerDirectory.nullableLong(rs, "actor_id");
        String name = rs.getString("actor_name");
        // the configured person linked to this Telegram id: one name for bot and web
        String actor = actorId == null ? name : accounts.nameOfActor(actorId).orElse(name);
        Map<String, Object> before = map(rs.getString("before"));
        Map<String, Object> after = map(rs.getString("after"));
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<Change> changes = new ArrayList<>();
        for (String k : keys) {
            String b = before.containsKey(k) ? String.valueOf(before.get(k)) : null;
            String a = after.containsKey(k) ? String.valueOf(after.get(k)) : null;
            changes.add(new Change(k, b, a, !Objects.equals(b, a)));
        }
        return new Entry(rs.getLong("id"), PartnerDirectory.instant(rs, "at"), actorId, actor, rs.getString("channel"),
                rs.getString("action"), rs.getString("subject"), before, after, changes);
    }

    private Map<String, Object> map(String value) {
        if (value == null) return Map.of();
        return json.readValue(value, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
