package io.partnerka.admin;

import io.partnerka.payout.PayoutView;
import io.partnerka.payout.Payouts;
import io.partnerka.requisites.Requisites;
import io.partnerka.requisites.RequisitesView;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Payouts for the back office, through the payout module's {@link Payouts} (mark paid with a reference, cancel an
 * approved one whose transfer bounced, invoices);
 * requests are approved or rejected in the approval queue, like in the bot. Accounts are shown masked only.
 */
@Service
class PayoutDesk {

    static final List<String> STATUSES = List.of("REQUESTED", "APPROVED", "PAID", "REJECTED", "CANCELLED");

    private final Payouts payouts;
    private final Requisites requisites;
    private final JdbcClient jdbc;

    PayoutDesk(Payouts payouts, Requisites requisites, JdbcClient jdbc) {
        this.payouts = payouts;
        this.requisites = requisites;
        this.jdbc = jdbc;
    }

    /** A payout with what the list shows beside it: the partner, where the money goes (masked), the approval item. */
    public record Row(long id, long partnerId, String partnerName, BigDecimal amount, String currency, String status,
                      Long invoiceNumber, String method, String account, String legalName, String reference,
                      String rejectReason, Instant createdAt, Instant approvedAt, Instant paidAt, Long approvalItemId,
                      String cancelReason, Instant cancelledAt) {
    }

    List<Row> list(String status, Long partner, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id FROM payout WHERE 1 = 1");
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        if (status != null && !status.isBlank()) {
            sql.append(" AND status = :status");
            params.put("status", status.strip().toUpperCase(java.util.Locale.ROOT));
        }
        if (partner != null) {
            sql.append(" AND partner_id = :partner");
            params.put("partner", partner);
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(Long.class).list().stream()
                .map(id -> row(payouts.find(id).orElseThrow())).toList();
    }

    Row find(long id) {
        return payouts.find(id).map(this::row).orElseThrow(() -> ApprovalDesk.notFound("payout", id));
    }

    Row markPaid(long id, Operator operator, String reference) {
        find(id);
        String ref = reference == null || reference.isBlank() ? null : reference.strip();
        return row(payouts.markPaid(id, operator.decider(), ref));
    }

    /** Cancels an approved payout (a bounced transfer): the partner gets the money back on their balance and reads why. */
    Row cancel(long id, Operator operator, String reason) {
        find(id);
        return row(payouts.cancel(id, operator.decider(), reason));
    }

    Optional<byte[]> invoice(long id) {
        find(id);
        return payouts.invoicePdf(id);
    }

    /** Paid out per month and currency (the dashboard's payouts chart). */
    public record Month(String month, String currency, BigDecimal paid, long count) {
    }

    List<Month> paidPerMonth(String zone, int months) {
        return jdbc.sql("""
                        SELECT to_char(date_trunc('month', paid_at AT TIME ZONE :tz), 'YYYY-MM') AS month, currency,
                               sum(amount) AS paid, count(*) AS n
                        FROM payout WHERE status = 'PAID'
                          AND paid_at >= (date_trunc('month', now() AT TIME ZONE :tz) - make_interval(months => :back)) AT TIME ZONE :tz
                        GROUP BY 1, 2 ORDER BY 1, 2""")
                .param("tz", zone).param("back", months - 1)
                .query((rs, n) -> new Month(rs.getString("month"), rs.getString("currency"), rs.getBigDecimal("paid"), rs.getLong("n")))
                .list();
    }

    private Row row(PayoutView v) {
        Optional<RequisitesView> r = requisites.find(v.requisitesId());
        String name = jdbc.sql("SELECT name FROM partner WHERE id = ?").param(v.partnerId()).query(String.class).optional().orElse("—");
        Long item = jdbc.sql("SELECT id FROM approval_item WHERE kind = 'payout' AND subject_id = ? ORDER BY id DESC LIMIT 1")
                .param(v.id()).query(Long.class).optional().orElse(null);
        return new Row(v.id(), v.partnerId(), name, v.amount(), v.currency(), v.status(), v.invoiceNumber(),
                r.map(RequisitesView::method).orElse(null), r.map(RequisitesView::maskedAccount).orElse(null),
                r.map(RequisitesView::legalName).orElse(null), v.paymentReference(), v.rejectReason(), v.createdAt(),
                v.approvedAt(), v.paidAt(), item, v.cancelReason(), v.cancelledAt());
    }
}
