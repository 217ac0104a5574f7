package io.partnerka.deal;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.money.Balance;
import io.partnerka.money.Ledger;
import io.partnerka.conversation.Formats;
import io.partnerka.money.Rate;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.training.CoursePassRate;
import io.partnerka.training.Training;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code /stats}. A partner: my numbers (clients submitted, in progress, paid, conversion, earned this month and in
 * total). A manager: the program's numbers (partners, deals by status, paid this month, pass rates per course).
 */
@Component
class StatsAction implements ChatAction {

    private final Partners partners;
    private final Pipeline pipeline;
    private final Ledger ledger;
    private final DealSettings settings;
    private final JdbcClient jdbc;
    private final Training training;

    StatsAction(Partners partners, Pipeline pipeline, Ledger ledger, DealSettings settings, JdbcClient jdbc,
                Training training) {
        this.training = training;
        this.partners = partners;
        this.pipeline = pipeline;
        this.ledger = ledger;
        this.settings = settings;
        this.jdbc = jdbc;
    }

    @Override
    public Set<String> commands() {
        return Set.of("stats");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("deal.menu.stats");
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (ctx.isManager()) {
            program(ctx);
            return;
        }
        PartnerView partner = partners.approvedPartner(ctx.userId());
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        jdbc.sql("SELECT status, count(*) FROM deal WHERE partner_id = ? GROUP BY status").param(partner.id())
                .query((rs, n) -> byStatus.put(rs.getString(1), rs.getInt(2))).list();
        int total = byStatus.values().stream().mapToInt(Integer::intValue).sum();
        int inProgress = pipeline.open().stream().mapToInt(s -> byStatus.getOrDefault(s, 0)).sum();
        int paid = byStatus.getOrDefault(pipeline.paid(), 0);
        int lost = byStatus.getOrDefault(Pipeline.LOST, 0);
        String lang = ctx.language();

        var monthStart = LocalDate.now(settings.zone).withDayOfMonth(1).atStartOfDay(settings.zone).toInstant();
        Map<String, BigDecimal> month = ledger.earnedSince(partner.id(), monthStart);
        List<Balance> balances = ledger.balances(partner.id());
        Map<String, BigDecimal> earned = balances.stream().collect(Collectors.toMap(Balance::currency, Balance::accrued,
                (a, b) -> a, LinkedHashMap::new));
        Map<String, BigDecimal> available = balances.stream().collect(Collectors.toMap(Balance::currency, Balance::available,
                (a, b) -> a, LinkedHashMap::new));

        Rate rate = ledger.nextRate(partner.id());
        int paidClients = ledger.paidClients(partner.id());
        int toGo = ledger.highRateFrom() - 1 - paidClients;
        String rateLine = toGo > 0
                ? ctx.text("deal.stats.rate-to-go", "rate", Formats.percent(rate.percent(), lang),
                "high", Formats.percent(ledger.highRate().percent(), lang), "from", ledger.highRateFrom(), "have", paidClients)
                : ctx.text("deal.stats.rate", "rate", Formats.percent(rate.percent(), lang));
        ctx.say("deal.stats.text", "total", total, "inProgress", inProgress, "paid", paid, "lost", lost,
                "conversion", total == 0 ? 0 : Math.round(paid * 100.0 / total),
                "month", sums(month, lang), "earned", sums(earned, lang), "available", sums(available, lang),
                "rate", new io.partnerka.conversation.Messages.Trusted(rateLine));
    }

    /** "22 500,00 ₽ + 100,00 $"; zero in the default currency when there is nothing yet. */
    private io.partnerka.conversation.Messages.Trusted sums(Map<String, BigDecimal> amounts, String lang) {
        if (amounts.isEmpty()) return DealCards.amount(BigDecimal.ZERO, settings.defaultCurrency(), lang);
        return new io.partnerka.conversation.Messages.Trusted(amounts.entrySet().stream()
                .map(e -> Formats.money(e.getValue(), e.getKey(), lang)).collect(Collectors.joining(" + ")));
    }

    private void program(ChatContext ctx) {
        String lang = ctx.language();
        Map<String, Integer> partnersByStatus = new LinkedHashMap<>();
        jdbc.sql("SELECT status, count(*) FROM partner GROUP BY status")
                .query((rs, n) -> partnersByStatus.put(rs.getString(1), rs.getInt(2))).list();
        Map<String, Integer> dealsByStatus = new LinkedHashMap<>();
        jdbc.sql("SELECT status, count(*) FROM deal GROUP BY status")
                .query((rs, n) -> dealsByStatus.put(rs.getString(1), rs.getInt(2))).list();
        StringBuilder deals = new StringBuilder();
        for (String status : pipeline.all()) {
            deals.append("\n").append(ctx.text("deal.stats.program-deal-line", "status", ctx.text("deal.status." + status),
                    "count", dealsByStatus.getOrDefault(status, 0)));
        }
        var monthStart = LocalDate.now(settings.zone).withDayOfMonth(1).atStartOfDay(settings.zone).toInstant();
        Map<String, BigDecimal> paidThisMonth = new LinkedHashMap<>();
        jdbc.sql("SELECT currency, sum(amount) FROM deal WHERE status = ? AND status_changed_at >= ? GROUP BY currency")
                .params(pipeline.paid(), java.sql.Timestamp.from(monthStart))
                .query((rs, n) -> paidThisMonth.put(rs.getString(1), rs.getBigDecimal(2))).list();
        StringBuilder courses = new StringBuilder();
        for (CoursePassRate r : training.passRates(lang)) {
            courses.append("\n").append(ctx.text("deal.stats.program-course-line", "title", r.title(),
                    "passed", r.passed(), "tried", r.tried(), "rate", r.passRate() == null ? "—" : r.passRate() + " %"));
        }
        int total = partnersByStatus.values().stream().mapToInt(Integer::intValue).sum();
        ctx.say("deal.stats.program", "partners", total,
                "approved", partnersByStatus.getOrDefault("APPROVED", 0),
                "pending", partnersByStatus.getOrDefault("PENDING_REVIEW", 0),
                "deals", new io.partnerka.conversation.Messages.Trusted(deals.toString()),
                "paidMonth", sums(paidThisMonth, lang),
                "courses", new io.partnerka.conversation.Messages.Trusted(courses.isEmpty() ? "\n—" : courses.toString()));
    }
}
