package io.partnerka.admin;

import io.partnerka.deal.Deals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The numbers of the dashboard: the partner funnel with conversion between stages, clients and their conversion per
 * month, partners' growth, top partners by revenue, and a partner rating that sorts the strong from the weak (the
 * field notes: "you must single out the strongest partners ... and the ones that pull you down").
 */
@Service
class ProgramStats {

    static final int MONTHS = 12;

    private final JdbcClient jdbc;
    private final Deals deals;
    private final String zone;

    ProgramStats(JdbcClient jdbc, Deals deals, @Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.jdbc = jdbc;
        this.deals = deals;
        this.zone = zone;
    }

    /**
     * One stage of the funnel. {@code conversion}: count as a share of the previous stage in percent (null for the
     * first stage or an empty previous one); {@code fromApplied}: as a share of everyone who applied. The stages after
     * "approved" are not strictly nested (without the training gate a partner may bring a client untrained).
     */
    public record Stage(String key, String label, long count, BigDecimal conversion, BigDecimal fromApplied) {
    }

    /** One month; {@code conversion} is null when the month had no clients (nothing to convert). */
    public record Month(String month, long clients, long paid, BigDecimal conversion, long applied, long approved,
                 long partnersTotal) {
    }

    /**
     * A partner's place in the rating: score 0..100 from revenue (40, relative to the best), conversion of clients
     * into paid deals (25), clients handed over (20, relative to the most), activity in the last 30 days (10) and
     * training (5); grade A from 60, B from 30, C below.
     */
    public record Rated(long partnerId, String name, BigDecimal revenue, String currency, long clients, long paid,
                 BigDecimal conversion, boolean active, boolean trained, int score, String grade) {
    }

    public record Dashboard(List<Stage> funnel, List<Month> months, List<Rated> top, List<Rated> rating, String currency,
                     long pendingApprovals, long openQuestions) {
    }

    Dashboard dashboard() {
        String currency = deals.currencies().get(0);
        List<Rated> rating = rating(currency);
        List<Rated> top = rating.stream().filter(r -> r.revenue().signum() > 0)
                .sorted(Comparator.comparing(Rated::revenue).reversed()).limit(10).toList();
        long pending = jdbc.sql("SELECT count(*) FROM approval_item WHERE status = 'PENDING'").query(Long.class).single();
        long questions = jdbc.sql("SELECT count(*) FROM support_thread WHERE status = 'OPEN'").query(Long.class).single();
        return new Dashboard(funnel(), months(), top, rating, currency, pending, questions);
    }

    List<Stage> funnel() {
        long[] c = jdbc.sql("""
                        SELECT count(*),
                               count(*) FILTER (WHERE p.status IN ('APPROVED', 'BLOCKED')),
                               count(*) FILTER (WHERE p.status IN ('APPROVED', 'BLOCKED') AND EXISTS
                                   (SELECT 1 FROM certificate c WHERE c.user_id = p.user_id AND c.revoked_at IS NULL)),
                               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM deal d WHERE d.partner_id = p.id)),
                               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ledger_entry e WHERE e.partner_id = p.id AND e.type = 'COMMISSION'))
                        FROM partner p""")
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)}).single();
        String[][] names = {{"applied", "Applied"}, {"approved", "Approved"}, {"trained", "Trained"},
                {"first-client", "First client"}, {"first-paid", "First paid deal"}};
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            stages.add(new Stage(names[i][0], names[i][1], c[i], i == 0 || c[i - 1] == 0 ? null : percent(c[i], c[i - 1]),
                    percent(c[i], c[0])));
        }
        return stages;
    }

    /**
     * The last {@link #MONTHS} months, starting no earlier than the program's first month (its first application or
     * client): a program three months old shows three months, not nine empty ones and all activity squeezed at the end.
     */
    List<Month> months() {
        return jdbc.sql("""
                        WITH first AS (
                            SELECT date_trunc('month', min(at) AT TIME ZONE :tz) AS start FROM (
                                SELECT min(applied_at) AS at FROM partner UNION ALL SELECT min(submitted_at) FROM deal) x),
                        m AS (
                            SELECT generate_series(greatest(date_trunc('month', now() AT TIME ZONE :tz) - make_interval(months => :back),
                                                            coalesce((SELECT start FROM first), date_trunc('month', now() AT TIME ZONE :tz))),
                                                   date_trunc('month', now() AT TIME ZONE :tz), interval '1 month') AS start)
                        SELECT to_char(m.start, 'YYYY-MM') AS month,
                          (SELECT count(*) FROM deal d WHERE date_trunc('month', d.submitted_at AT TIME ZONE :tz) = m.start) AS clients,
                          (SELECT count(*) FROM deal d WHERE date_trunc('month', d.submitted_at AT TIME ZONE :tz) = m.start
                              AND d.status IN (:paid, 'refunded')) AS paid,
                          (SELECT count(*) FROM partner p WHERE date_trunc('month', p.applied_at AT TIME ZONE :tz) = m.start) AS applied,
                          (SELECT count(*) FROM partner p WHERE p.status IN ('APPROVED', 'BLOCKED')
                              AND date_trunc('month', p.decided_at AT TIME ZONE :tz) = m.start) AS approved,
                          (SELECT count(*) FROM partner p WHERE p.status IN ('APPROVED', 'BLOCKED')
                              AND p.decided_at AT TIME ZONE :tz < m.start + interval '1 month') AS total
                        FROM m ORDER BY m.start""")
                .param("tz", zone).param("back", MONTHS - 1).param("paid", deals.pipeline().paid())
                .query((rs, n) -> new Month(rs.getString("month"), rs.getLong("clients"), rs.getLong("paid"),
                        rs.getLong("clients") == 0 ? null : percent(rs.getLong("paid"), rs.getLong("clients")),
                        rs.getLong("applied"), rs.getLong("approved"),
                        rs.getLong("total"))).list();
    }

    List<Rated> rating(String currency) {
        record Raw(long id, String name, BigDecimal revenue, long clients, long paid, boolean active, boolean trained) {
        }
        Timestamp since = Timestamp.from(Instant.now().minus(Duration.ofDays(PartnerDirectory.ACTIVE_DAYS)));
        List<Raw> raw = jdbc.sql("""
                        SELECT p.id, p.name,
                          coalesce((SELECT sum(d.amount) FROM deal d WHERE d.partner_id = p.id AND d.status = :paid AND d.currency = :cur), 0) AS revenue,
                          (SELECT count(*) FROM deal d WHERE d.partner_id = p.id) AS clients,
                          (SELECT count(*) FROM deal d WHERE d.partner_id = p.id AND d.status = :paid) AS paid,
                          (EXISTS (SELECT 1 FROM deal d WHERE d.partner_id = p.id AND d.submitted_at >= :since)
                             OR EXISTS (SELECT 1 FROM chat c WHERE c.chat_id = p.chat_id AND c.last_seen_at >= :since)) AS active,
                          EXISTS (SELECT 1 FROM certificate c WHERE c.user_id = p.user_id AND c.revoked_at IS NULL) AS trained
                        FROM partner p WHERE p.status = 'APPROVED'""")
                .param("paid", deals.pipeline().paid()).param("cur", currency).param("since", since)
                .query((rs, n) -> new Raw(rs.getLong("id"), rs.getString("name"), rs.getBigDecimal("revenue"),
                        rs.getLong("clients"), rs.getLong("paid"), rs.getBoolean("active"), rs.getBoolean("trained"))).list();
        BigDecimal maxRevenue = raw.stream().map(Raw::revenue).max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
        long maxClients = raw.stream().mapToLong(Raw::clients).max().orElse(0);
        List<Rated> out = new ArrayList<>();
        for (Raw r : raw) {
            double revenue = maxRevenue.signum() == 0 ? 0 : r.revenue().doubleValue() / maxRevenue.doubleValue();
            double conversion = r.clients() == 0 ? 0 : (double) r.paid() / r.clients();
            double clients = maxClients == 0 ? 0 : (double) r.clients() / maxClients;
            int score = (int) Math.round(40 * revenue + 25 * conversion + 20 * clients + (r.active() ? 10 : 0) + (r.trained() ? 5 : 0));
            String grade = score >= 60 ? "A" : score >= 30 ? "B" : "C";
            out.add(new Rated(r.id(), r.name(), r.revenue().setScale(2, RoundingMode.HALF_UP), currency, r.clients(), r.paid(),
                    r.clients() == 0 ? null : percent(r.paid(), r.clients()), r.active(), r.trained(), score, grade));
        }
        out.sort(Comparator.comparingInt(Rated::score).reversed().thenComparing(Rated::partnerId));
        return out;
    }

    static BigDecimal percent(long part, long whole) {
        if (whole == 0) return BigDecimal.ZERO.setScale(1);
        return BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_UP);
    }
}
