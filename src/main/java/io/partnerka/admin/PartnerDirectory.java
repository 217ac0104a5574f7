package io.partnerka.admin;

import io.partnerka.approval.AuditLog;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Roles;
import io.partnerka.money.Balance;
import io.partnerka.money.Ledger;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.support.Support;
import io.partnerka.support.SupportThread;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partners for the back office: search with filters, the partner page (profile, clients and deals, ledger, training,
 * drip history, questions, audit) and the operator's actions on a partner (block, unblock, reassign the manager).
 * The partner module has no service for these actions yet: they are conditional updates of the partner row (its
 * version grows, so a concurrent JPA write of the partner module fails instead of overwriting), audited and told to
 * the partner in the same transaction.
 */
@Service
class PartnerDirectory {

    static final int ACTIVE_DAYS = 30;

    private final JdbcClient jdbc;
    private final Partners partners;
    private final Ledger ledger;
    private final Support support;
    private final Notifier notifier;
    private final Roles roles;
    private final AuditLog audit;

    PartnerDirectory(JdbcClient jdbc, Partners partners, Ledger ledger, Support support, Notifier notifier, Roles roles,
                     AuditLog audit) {
        this.jdbc = jdbc;
        this.partners = partners;
        this.ledger = ledger;
        this.support = support;
        this.notifier = notifier;
        this.roles = roles;
        this.audit = audit;
    }

    /** What the list may be narrowed by; null or blank means "any". */
    public record Filter(String q, String status, String type, String segment, Long manager, String activity, int page) {

        static final int PAGE_SIZE = 50;

        public Filter {
            q = blankToNull(q);
            status = blankToNull(status);
            type = blankToNull(type);
            segment = blankToNull(segment);
            activity = blankToNull(activity);
            page = Math.max(page, 0);
        }

        static Filter all() {
            return new Filter(null, null, null, null, null, null, 0);
        }
    }

    public record Row(long id, String name, String city, String status, String type, String segment, Long managerId,
               String managerName, Instant appliedAt, Instant lastSeenAt, int clients, int paidClients) {
    }

    List<Row> search(Filter f) {
        StringBuilder sql = new StringBuilder("""
                SELECT p.id, p.name, p.city, p.status, p.type, p.segment, p.manager_id, m.first_name AS manager_name,
                       p.applied_at, c.last_seen_at,
                       (SELECT count(*) FROM deal d WHERE d.partner_id = p.id) AS clients,
                       (SELECT count(*) FROM ledger_entry e WHERE e.partner_id = p.id AND e.type = 'COMMISSION'
                          AND NOT EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id)) AS paid
                FROM partner p LEFT JOIN chat c ON c.chat_id = p.chat_id LEFT JOIN chat m ON m.chat_id = p.manager_id
                WHERE 1 = 1""");
        Map<String, Object> params = new LinkedHashMap<>();
        if (f.q() != null) {
            String q = f.q().strip();
            String digits = q.replaceAll("\\D", "");
            sql.append(" AND (p.name ILIKE :like OR p.city ILIKE :like OR p.email ILIKE :like");
            if (q.matches("\\d{1,18}")) sql.append(" OR p.id = :id OR p.user_id = :id");
            if (digits.length() >= 6) sql.append(" OR regexp_replace(p.phone, '\\D', '', 'g') LIKE :digits");
            sql.append(")");
            params.put("like", "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            if (q.matches("\\d{1,18}")) params.put("id", Long.parseLong(q));
            if (digits.length() >= 6) params.put("digits", "%" + digits + "%");
        }
        if (f.status() != null) {
            sql.append(" AND p.status = :status");
            params.put("status", f.status().toUpperCase(java.util.Locale.ROOT));
        }
        if (f.type() != null) {
            sql.append(" AND p.type = :type");
            params.put("type", f.type());
        }
        if (f.segment() != null) {
            sql.append(" AND p.segment = :segment");
            params.put("segment", f.segment());
        }
        if (f.manager() != null) {
            sql.append(" AND p.manager_id = :manager");
            params.put("manager", f.manager());
        }
        if (f.activity() != null) {
            String active = "(c.last_seen_at >= :since OR EXISTS (SELECT 1 FROM deal d WHERE d.partner_id = p.id AND d.submitted_at >= :since))";
            sql.append("active".equals(f.activity()) ? " AND " + active : " AND NOT " + active);
            params.put("since", Timestamp.from(Instant.now().minus(java.time.Duration.ofDays(ACTIVE_DAYS))));
        }
        sql.append(" ORDER BY p.applied_at DESC, p.id DESC LIMIT :limit OFFSET :offset");
        params.put("limit", Filter.PAGE_SIZE + 1);
        params.put("offset", f.page() * Filter.PAGE_SIZE);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new Row(rs.getLong("id"), rs.getString("name"),
                rs.getString("city"), rs.getString("status"), rs.getString("type"), rs.getString("segment"),
                nullableLong(rs, "manager_id"), rs.getString("manager_name"), instant(rs, "applied_at"),
                instant(rs, "last_seen_at"), rs.getInt("clients"), rs.getInt("paid"))).list();
    }

    /** Values the filters offer. */
    public record Choices(List<String> statuses, List<String> types, List<String> segments, List<Manager> managers) {
    }

    public record Manager(long id, String name) {
    }

    Choices choices() {
        return new Choices(
                java.util.Arrays.stream(io.partnerka.partner.PartnerStatus.values()).map(Enum::name).toList(),
                jdbc.sql("SELECT DISTINCT type FROM partner ORDER BY type").query(String.class).list(),
                jdbc.sql("SELECT DISTINCT segment FROM partner ORDER BY segment").query(String.class).list(),
                managers());
    }

    /** The managers of the bot (PARTNERKA_MANAGER_IDS), with the names their chats have. */
    List<Manager> managers() {
        List<Manager> out = new ArrayList<>();
        for (long id : roles.managerIds()) out.add(new Manager(id, managerName(id)));
        return out;
    }

    String managerName(long id) {
        return jdbc.sql("SELECT first_name FROM chat WHERE chat_id = ?").param(id).query(String.class).optional()
                .filter(s -> !s.isBlank()).map(s -> s + " (" + id + ")").orElse("id " + id);
    }

    // ---- the partner page ----

    public record DealRow(long id, String clientName, String clientPhone, String product, String status, BigDecimal amount,
                   String currency, Instant submittedAt, Instant statusChangedAt) {
    }

    public record LedgerRow(long id, String type, BigDecimal amount, String currency, Long dealId, BigDecimal rate, String tier,
                     Instant at) {
    }

    public record Certificate(String code, String courseTitle, int score, Instant issuedAt, Instant revokedAt) {
    }

    public record Progress(String courseId, int lessonsRead, Instant updatedAt) {
    }

    public record DripRow(String chainId, String stepId, String outcome, String reason, Instant at, Instant clickedAt) {
    }

    public record Profile(PartnerView partner, String language, String rejectReason, String managerName, Instant lastSeenAt,
                   List<Balance> balances, List<DealRow> deals, List<LedgerRow> ledger, List<Certificate> certificates,
                   List<Progress> training, List<DripRow> drip, List<SupportThread> questions,
                   List<AuditTrail.Entry> audit) {
    }

    Profile profile(long partnerId, AuditTrail auditTrail) {
        PartnerView p = partners.byId(partnerId).orElseThrow(() -> ApprovalDesk.notFound("partner", partnerId));
        Map<String, Object> extra = jdbc.sql("""
                        SELECT p.language, p.reject_reason, c.last_seen_at FROM partner p LEFT JOIN chat c ON c.chat_id = p.chat_id
                        WHERE p.id = ?""").param(partnerId)
                .query((rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("language", rs.getString(1));
                    m.put("reason", rs.getString(2));
                    m.put("seen", instant(rs, "last_seen_at"));
                    return m;
                }).single();
        List<DealRow> deals = deals(partnerId);
        List<LedgerRow> entries = jdbc.sql("""
                        SELECT id, type, amount, currency, deal_id, rate, tier, created_at FROM ledger_entry
                        WHERE partner_id = ? ORDER BY id DESC LIMIT 200""").param(partnerId)
                .query((rs, n) -> new LedgerRow(rs.getLong("id"), rs.getString("type"), rs.getBigDecimal("amount"),
                        rs.getString("currency"), nullableLong(rs, "deal_id"), rs.getBigDecimal("rate"), rs.getString("tier"),
                        instant(rs, "created_at"))).list();
        List<Certificate> certs = jdbc.sql("SELECT code, course_title, score, issued_at, revoked_at FROM certificate WHERE user_id = ? ORDER BY issued_at")
                .param(p.userId()).query((rs, n) -> new Certificate(rs.getString(1), rs.getString(2), rs.getInt(3),
                        instant(rs, "issued_at"), instant(rs, "revoked_at"))).list();
        List<Progress> progress = jdbc.sql("SELECT course_id, lessons_read, updated_at FROM training_progress WHERE user_id = ? ORDER BY course_id")
                .param(p.userId()).query((rs, n) -> new Progress(rs.getString(1), rs.getInt(2), instant(rs, "updated_at"))).list();
        List<DripRow> drip = jdbc.sql("SELECT chain_id, step_id, outcome, reason, at, clicked_at FROM drip_send WHERE user_id = ? ORDER BY id DESC LIMIT 100")
                .param(p.userId()).query((rs, n) -> new DripRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), instant(rs, "at"), instant(rs, "clicked_at"))).list();
        List<AuditTrail.Entry> trail = auditTrail.about(List.of("partner#" + partnerId, "application#" + partnerId), 100);
        return new Profile(p, (String) extra.get("language"), (String) extra.get("reason"),
                p.managerId() == null ? null : managerName(p.managerId()), (Instant) extra.get("seen"),
                ledger.balances(partnerId), deals, entries, certs, progress, drip, support.threadsOf(p.userId()), trail);
    }

    List<DealRow> deals(long partnerId) {
        return jdbc.sql("""
                        SELECT id, client_name, client_phone, product, status, amount, currency, submitted_at, status_changed_at
                        FROM deal WHERE partner_id = ? ORDER BY id DESC LIMIT 200""").param(partnerId)
                .query((rs, n) -> new DealRow(rs.getLong("id"), rs.getString("client_name"), Input.maskPhone(rs.getString("client_phone")),
                        rs.getString("product"), rs.getString("status"), rs.getBigDecimal("amount"), rs.getString("currency"),
                        instant(rs, "submitted_at"), instant(rs, "status_changed_at"))).list();
    }

    // ---- actions ----

    @Transactional
    void block(long partnerId, Operator operator, String reason) {
        PartnerView p = partners.byId(partnerId).orElseThrow(() -> ApprovalDesk.notFound("partner", partnerId));
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        int changed = jdbc.sql("UPDATE partner SET status = 'BLOCKED', version = version + 1 WHERE id = ? AND status = 'APPROVED'")
                .param(partnerId).update();
        if (changed == 0) throw new Refused("Only an approved partner can be blocked; this one is " + p.status(),
                "web.refused.block", "status", p.status().name());
        audit.record(operator.decider(), "partner.blocked", "partner#" + partnerId, Map.of("status", p.status().name()),
                why == null ? Map.of("status", "BLOCKED") : Map.of("status", "BLOCKED", "reason", why));
        if (why == null) notifier.say(p.chatId(), "admin.partner-blocked");
        else notifier.say(p.chatId(), "admin.partner-blocked-with-reason", "reason", why);
    }

    @Transactional
    void unblock(long partnerId, Operator operator) {
        PartnerView p = partners.byId(partnerId).orElseThrow(() -> ApprovalDesk.notFound("partner", partnerId));
        int changed = jdbc.sql("UPDATE partner SET status = 'APPROVED', version = version + 1 WHERE id = ? AND status = 'BLOCKED'")
                .param(partnerId).update();
        if (changed == 0) throw new Refused("Only a blocked partner can be unblocked; this one is " + p.status(),
                "web.refused.unblock", "status", p.status().name());
        audit.record(operator.decider(), "partner.unblocked", "partner#" + partnerId, Map.of("status", "BLOCKED"),
                Map.of("status", "APPROVED"));
        notifier.sayWithMenu(p.chatId(), "admin.partner-unblocked");
    }

    @Transactional
    void reassign(long partnerId, long managerId, Operator operator) {
        PartnerView p = partners.byId(partnerId).orElseThrow(() -> ApprovalDesk.notFound("partner", partnerId));
        if (!roles.managerIds().contains(managerId)) throw new Refused("User " + managerId + " is not one of the bot's managers",
                "web.refused.not-a-manager", "id", managerId);
        if (p.managerId() != null && p.managerId() == managerId) return;
        int changed = jdbc.sql("UPDATE partner SET manager_id = ?, version = version + 1 WHERE id = ? AND status IN ('APPROVED', 'BLOCKED')")
                .params(managerId, partnerId).update();
        if (changed == 0) throw new Refused("Only an approved (or blocked) partner has a personal manager; this one is " + p.status(),
                "web.refused.manager", "status", p.status().name());
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("manager", p.managerId() == null ? "—" : String.valueOf(p.managerId()));
        audit.record(operator.decider(), "partner.manager-changed", "partner#" + partnerId, before,
                Map.of("manager", String.valueOf(managerId)));
        String name = jdbc.sql("SELECT first_name FROM chat WHERE chat_id = ?").param(managerId).query(String.class)
                .optional().filter(s -> !s.isBlank()).orElse(notifier.text(p.chatId(), "partner.your-manager-default", Map.of()));
        notifier.say(p.chatId(), "admin.manager-changed", "manager", name);
        notifier.say(managerId, "partner.assigned-to-you", "name", p.name(), "city", p.city(), "id", p.id());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
