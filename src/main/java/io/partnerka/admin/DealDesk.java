package io.partnerka.admin;

import io.partnerka.approval.AuditLog;
import io.partnerka.conversation.Input;
import io.partnerka.deal.ChangeResult;
import io.partnerka.deal.DealChange;
import io.partnerka.deal.DealView;
import io.partnerka.deal.Deals;
import io.partnerka.deal.Pipeline;
import io.partnerka.money.Commission;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deals for the back office. Changes go through {@link Deals#change} exactly like a manager's buttons in the bot
 * (same pipeline rules, same ledger entries, the partner told the same way); the source is {@code web} and the
 * audit row names the operator.
 */
@Service
class DealDesk {

    private final JdbcClient jdbc;
    private final Deals deals;
    private final AuditLog audit;
    private final ZoneId zone;
    private final String auditLanguage;

    DealDesk(JdbcClient jdbc, Deals deals, AuditLog audit, @Value("${partnerka.time-zone:Europe/Moscow}") String zone,
             @Value("${partnerka.default-language:ru}") String auditLanguage) {
        this.auditLanguage = auditLanguage;
        this.jdbc = jdbc;
        this.deals = deals;
        this.audit = audit;
        this.zone = ZoneId.of(zone);
    }

    public record Filter(String q, String status, Long partner, String product, LocalDate from, LocalDate to, int page) {

        static final int PAGE_SIZE = 50;

        public Filter {
            q = PartnerDirectory.blankToNull(q);
            status = PartnerDirectory.blankToNull(status);
            product = PartnerDirectory.blankToNull(product);
            page = Math.max(0, page);
        }
    }

    public record Row(long id, long partnerId, String partnerName, String clientName, String clientPhone, String product,
               String status, BigDecimal amount, String currency, Instant submittedAt, Instant statusChangedAt) {
    }

    List<Row> search(Filter f) {
        StringBuilder sql = new StringBuilder("""
                SELECT d.*, p.name AS partner_name FROM deal d JOIN partner p ON p.id = d.partner_id WHERE 1 = 1""");
        Map<String, Object> params = new LinkedHashMap<>();
        if (f.q() != null) {
            sql.append(" AND (d.client_name ILIKE :like OR p.name ILIKE :like");
            if (f.q().matches("\\d{1,18}")) {
                sql.append(" OR d.id = :id");
                params.put("id", Long.parseLong(f.q()));
            }
            sql.append(")");
            params.put("like", "%" + f.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (f.status() != null) {
            sql.append(" AND d.status = :status");
            params.put("status", f.status());
        }
        if (f.partner() != null) {
            sql.append(" AND d.partner_id = :partner");
            params.put("partner", f.partner());
        }
        if (f.product() != null) {
            sql.append(" AND d.product = :product");
            params.put("product", f.product());
        }
        if (f.from() != null) {
            sql.append(" AND d.submitted_at >= :from");
            params.put("from", java.sql.Timestamp.from(f.from().atStartOfDay(zone).toInstant()));
        }
        if (f.to() != null) {
            sql.append(" AND d.submitted_at < :to");
            params.put("to", java.sql.Timestamp.from(f.to().plusDays(1).atStartOfDay(zone).toInstant()));
        }
        sql.append(" ORDER BY d.id DESC LIMIT :limit OFFSET :offset");
        params.put("limit", Filter.PAGE_SIZE + 1);
        params.put("offset", f.page() * Filter.PAGE_SIZE);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new Row(rs.getLong("id"), rs.getLong("partner_id"),
                rs.getString("partner_name"), rs.getString("client_name"), Input.maskPhone(rs.getString("client_phone")),
                rs.getString("product"), rs.getString("status"), rs.getBigDecimal("amount"), rs.getString("currency"),
                PartnerDirectory.instant(rs, "submitted_at"), PartnerDirectory.instant(rs, "status_changed_at"))).list();
    }

    List<String> products() {
        return jdbc.sql("SELECT DISTINCT product FROM deal ORDER BY product").query(String.class).list();
    }

    public record History(String fromStatus, String toStatus, BigDecimal amount, String currency, String comment, String source,
                   String actorName, Instant at) {
    }

    public record Detail(DealView deal, String partnerName, String maskedPhone, Commission commission, List<History> history,
                  List<String> next, List<String> reopenTargets) {
    }

    Detail detail(long dealId) {
        DealView d = deals.find(dealId).orElseThrow(() -> ApprovalDesk.notFound("deal", dealId));
        String partnerName = jdbc.sql("SELECT name FROM partner WHERE id = ?").param(d.partnerId()).query(String.class).optional().orElse("—");
        List<History> history = jdbc.sql("""
                        SELECT from_status, to_status, amount, currency, comment, source, actor_name, at
                        FROM deal_history WHERE deal_id = ? ORDER BY id DESC""").param(dealId)
                .query((rs, n) -> new History(rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), PartnerDirectory.instant(rs, "at"))).list();
        Pipeline pipeline = deals.pipeline();
        return new Detail(d, partnerName, Input.maskPhone(d.clientPhone()), deals.commission(dealId).orElse(null), history,
                pipeline.nextFrom(d.status()), pipeline.reopenTargets(d.status()));
    }

    Pipeline pipeline() {
        return deals.pipeline();
    }

    List<String> currencies() {
        return deals.currencies();
    }

    /** What an operator asks for; validated by {@link Deals} (and by the form before that). */
    public record Change(String status, BigDecimal amount, String currency, String comment, boolean reopen, Integer expectedVersion) {
    }

    @Transactional
    ChangeResult change(long dealId, Change c, Operator operator) {
        DealView before = deals.find(dealId).orElseThrow(() -> ApprovalDesk.notFound("deal", dealId));
        ChangeResult result = deals.change(dealId, new DealChange(c.status(), c.amount(),
                c.amount() == null ? null : Optional.ofNullable(c.currency()).orElse(deals.currencies().get(0)),
                c.comment(), c.reopen(), c.expectedVersion(), "web", operator.actorId(), operator.name()));
        if (result.changed()) {
            Map<String, Object> was = new LinkedHashMap<>();
            was.put("status", before.status());
            if (before.amount() != null) was.put("amount", io.partnerka.conversation.Formats.money(before.amount(), before.currency(), auditLanguage));
            DealView after = result.deal();
            Map<String, Object> now = new LinkedHashMap<>();
            now.put("status", after.status());
            if (after.amount() != null) now.put("amount", io.partnerka.conversation.Formats.money(after.amount(), after.currency(), auditLanguage));
            if (c.comment() != null && !c.comment().isBlank()) now.put("comment", c.comment().strip());
            audit.record(operator.decider(), c.reopen() ? "deal.reopened" : "deal.moved", "deal#" + dealId, was, now);
        }
        return result;
    }
}
