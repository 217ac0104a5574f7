package io.partnerka.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard: each chart's Chart.js configuration is built here and handed to the page as JSON in a data
 * attribute (the page's own script draws them; no inline scripts, so the content security policy stays strict).
 */
@Controller
class DashboardPage implements AdminPage {

    private static final String BLUE = "#1e88e5";
    private static final String GREEN = "#43a047";
    private static final String ORANGE = "#fb8c00";

    private final ProgramStats stats;
    private final PayoutDesk payouts;
    private final String zone;
    private final WebAdvice advice;
    private final tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();

    DashboardPage(ProgramStats stats, PayoutDesk payouts, WebAdvice advice,
                  @org.springframework.beans.factory.annotation.Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.advice = advice;
        this.stats = stats;
        this.payouts = payouts;
        this.zone = zone;
    }

    @GetMapping({"/admin", "/admin/", "/admin/dashboard"})
    String dashboard(Model model) {
        WebText t = advice.words();
        ProgramStats.Dashboard d = stats.dashboard();
        model.addAttribute("d", d);
        model.addAttribute("funnelChart", chart("bar",
                d.funnel().stream().map(s -> t.text("web.dashboard.stage-" + s.key())).toList(),
                List.of(dataset(t.text("web.dashboard.partners"), d.funnel().stream().map(ProgramStats.Stage::count).toList(), BLUE, null)),
                Map.of("indexAxis", "y", "scales", Map.of("x", COUNTS))));
        List<String> monthKeys = d.months().stream().map(ProgramStats.Month::month).toList();
        List<String> months = monthKeys.stream().map(t::month).toList();
        model.addAttribute("clientsChart", chart("bar", months, List.of(
                dataset(t.text("web.dashboard.clients-col"), d.months().stream().map(ProgramStats.Month::clients).toList(), BLUE, "y"),
                dataset(t.text("web.dashboard.paid-col"), d.months().stream().map(ProgramStats.Month::paid).toList(), GREEN, "y"),
                // a month without clients has nothing to convert: no point (a gap), not 0 %
                line(t.text("web.dashboard.conversion-percent"), d.months().stream().map(ProgramStats.Month::conversion).toList(), ORANGE, "y1")),
                Map.of("scales", Map.of("y", withPosition(COUNTS, "left"),
                        "y1", Map.of("beginAtZero", true, "position", "right", "max", 100, "grid", Map.of("drawOnChartArea", false))))));
        model.addAttribute("growthChart", chart("bar", months, List.of(
                dataset(t.text("web.dashboard.applied"), d.months().stream().map(ProgramStats.Month::applied).toList(), BLUE, "y"),
                dataset(t.text("web.dashboard.approved-col"), d.months().stream().map(ProgramStats.Month::approved).toList(), GREEN, "y"),
                line(t.text("web.dashboard.total"), d.months().stream().map(ProgramStats.Month::partnersTotal).toList(), ORANGE, "y")),
                Map.of("scales", Map.of("y", COUNTS))));
        model.addAttribute("topChart", chart("bar",
                d.top().stream().map(ProgramStats.Rated::name).toList(),
                List.of(dataset(t.text("web.dashboard.revenue") + ", " + d.currency(), d.top().stream().map(ProgramStats.Rated::revenue).toList(), GREEN, null)),
                Map.of("indexAxis", "y")));
        List<PayoutDesk.Month> paid = payouts.paidPerMonth(zone, monthKeys.isEmpty() ? 1 : monthKeys.size());
        model.addAttribute("payoutMonths", paid);
        List<String> currencies = paid.stream().map(PayoutDesk.Month::currency).distinct().sorted().toList();
        String[] colors = {GREEN, BLUE, ORANGE};
        List<Map<String, Object>> sets = new ArrayList<>();
        for (int i = 0; i < currencies.size(); i++) {
            String c = currencies.get(i);
            sets.add(dataset(t.text("web.dashboard.paid-out") + ", " + c, monthKeys.stream().map(m -> paid.stream()
                    .filter(p -> p.month().equals(m) && p.currency().equals(c)).map(PayoutDesk.Month::paid)
                    .findFirst().orElse(java.math.BigDecimal.ZERO)).toList(), colors[i % colors.length], null));
        }
        if (sets.isEmpty()) sets.add(dataset(t.text("web.dashboard.paid-out"), monthKeys.stream().map(m -> 0).toList(), GREEN, null));
        model.addAttribute("payoutsChart", chart("bar", months, sets, Map.of("scales", Map.of("y", COUNTS))));
        return "admin/dashboard";
    }

    /** An axis of counts: from zero, whole numbers only (no "0.5 partners"). */
    private static final Map<String, Object> COUNTS = Map.of("beginAtZero", true, "ticks", Map.of("precision", 0));

    private static Map<String, Object> withPosition(Map<String, Object> axis, String position) {
        Map<String, Object> out = new LinkedHashMap<>(axis);
        out.put("position", position);
        return out;
    }

    private String chart(String type, List<String> labels, List<Map<String, Object>> datasets, Map<String, Object> options) {
        return json.writeValueAsString(config(type, labels, datasets, options));
    }

    private static Map<String, Object> config(String type, List<String> labels, List<Map<String, Object>> datasets,
                                             Map<String, Object> options) {
        Map<String, Object> opts = new LinkedHashMap<>(options);
        opts.put("responsive", true);
        opts.put("maintainAspectRatio", false);
        opts.put("animation", false);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("labels", labels);
        data.put("datasets", datasets);
        Map<String, Object> config = new LinkedHashMap<>(); // a stable order: the page source reads the same every time
        config.put("type", type);
        config.put("data", data);
        config.put("options", opts);
        return config;
    }

    private static Map<String, Object> dataset(String label, List<?> data, String color, String axis) {
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("label", label);
        ds.put("data", new ArrayList<>(data));
        ds.put("backgroundColor", color);
        if (axis != null) ds.put("yAxisID", axis);
        return ds;
    }

    private static Map<String, Object> line(String label, List<?> data, String color, String axis) {
        Map<String, Object> ds = dataset(label, data, color, axis);
        ds.put("type", "line");
        ds.put("borderColor", color);
        ds.put("spanGaps", false);
        return ds;
    }
}
