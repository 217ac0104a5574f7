package io.partnerka.drip;

import io.partnerka.conversation.Formats;
import io.partnerka.approval.AuditLog;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Managers' drip commands: {@code /drip} (chains, their numbers, Pause / Resume buttons), {@code /drip_pause <id>},
 * {@code /drip_resume <id>}, {@code /drip_log <user id>} (every step a person passed), {@code /drip_reload},
 * {@code /broadcasts} (recent broadcasts with delivery and RSVP counts) and {@code /drip_run}: run every due job now —
 * in the sandbox it first moves the drip clock forward ({@code /drip_run 3d}, or by default to the next waiting
 * step), so a newcomer can watch a chain that takes days play out in minutes.
 */
@Component
class DripCommands implements ChatAction, MenuContributor {

    static final String PREFIX = "dripc";

    private final JdbcClient jdbc;
    private final Chains chains;
    private final DripTasks tasks;
    private final DripClock clock;
    private final QuietHours quiet;
    private final Broadcasts broadcasts;
    private final AuditLog audit;
    private final boolean sandbox;
    private final Formats formats;

    DripCommands(JdbcClient jdbc, Chains chains, DripTasks tasks, DripClock clock, QuietHours quiet, Broadcasts broadcasts,
                 AuditLog audit, Formats formats, @Value("${partnerka.telegram.token:}") String token) {
        this.jdbc = jdbc;
        this.chains = chains;
        this.tasks = tasks;
        this.clock = clock;
        this.quiet = quiet;
        this.broadcasts = broadcasts;
        this.audit = audit;
        this.sandbox = token == null || token.isBlank();
        this.formats = formats;
    }

    @Override
    public Set<String> commands() {
        return Set.of("drip", "drip_pause", "drip_resume", "drip_run", "drip_reload", "drip_log", "broadcasts");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("drip.menu.chains");
    }

    @Override
    public String callbackPrefix() {
        return PREFIX;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        return ctx.isManager() ? List.of(new MenuEntry("drip.menu.broadcast", 5), new MenuEntry("drip.menu.chains", 6)) : List.of();
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) {
            if (ctx.inbound() != null && ctx.inbound().kind() == io.partnerka.conversation.Inbound.Kind.CALLBACK) {
                ctx.answerCallback(ctx.text("common.not-manager"), true);
            } else {
                ctx.say("common.not-manager");
            }
            return;
        }
        boolean callback = ctx.inbound() != null && ctx.inbound().kind() == io.partnerka.conversation.Inbound.Kind.CALLBACK;
        if (callback) {
            String[] parts = args.split(":", 2);
            if (parts.length == 2) setPaused(ctx, parts[1], parts[0].equals("pause"));
            return;
        }
        String command = ctx.inbound() == null || ctx.inbound().command() == null ? "drip" : ctx.inbound().command();
        switch (command) {
            case "drip_pause" -> setPaused(ctx, args.strip(), true);
            case "drip_resume" -> setPaused(ctx, args.strip(), false);
            case "drip_run" -> runNow(ctx, args.strip());
            case "drip_reload" -> reload(ctx);
            case "drip_log" -> log(ctx, args.strip());
            case "broadcasts" -> listBroadcasts(ctx);
            default -> overview(ctx);
        }
    }

    private void overview(ChatContext ctx) {
        Map<String, long[]> stats = new HashMap<>();
        jdbc.sql("SELECT chain_id, count(*) FILTER (WHERE status = 'ACTIVE'), count(*) FROM drip_enrollment GROUP BY chain_id")
                .query(rs -> {
                    stats.computeIfAbsent(rs.getString(1), k -> new long[5])[0] = rs.getLong(2);
                    stats.get(rs.getString(1))[1] = rs.getLong(3);
                });
        // "sent" is what reached the person: a message Telegram refused (403, the bot blocked) is counted apart
        jdbc.sql("""
                        SELECT s.chain_id, count(*) FILTER (WHERE s.outcome = 'SENT' AND coalesce(o.status, 'SENT') NOT IN ('DROPPED', 'FAILED')),
                               count(*) FILTER (WHERE s.clicked_at IS NOT NULL),
                               count(*) FILTER (WHERE s.outcome = 'SENT' AND o.status IN ('DROPPED', 'FAILED'))
                        FROM drip_send s LEFT JOIN outbox o ON o.id = s.outbox_id GROUP BY s.chain_id""")
                .query(rs -> {
                    stats.computeIfAbsent(rs.getString(1), k -> new long[5])[2] = rs.getLong(2);
                    stats.get(rs.getString(1))[3] = rs.getLong(3);
                    stats.get(rs.getString(1))[4] = rs.getLong(4);
                });
        Set<String> paused = pausedChains();
        StringBuilder text = new StringBuilder(ctx.text("drip.chains.header", "quiet", quiet.describe(),
                "now", formats.dateTime(clock.instant(), ctx.language())));
        List<List<Button>> rows = new ArrayList<>();
        List<Button> row = new ArrayList<>();
        for (Chain chain : chains.all()) {
            long[] s = stats.getOrDefault(chain.id(), new long[5]);
            boolean p = paused.contains(chain.id());
            text.append("\n\n").append(ctx.text("drip.chains.line", Messages.args("id", chain.id(),
                    "trigger", chain.trigger() + (chain.after() == null ? "" : " " + Durations.format(chain.after())),
                    "steps", chain.steps().size(), "state", ctx.text(p ? "drip.chains.paused" : "drip.chains.running"),
                    "active", s[0], "entered", s[1], "sent", s[2], "undelivered", s[4], "clicks", s[3])));
            row.add(ctx.button((p ? "▶️ " : "⏸ ") + chain.id(), PREFIX + ":" + (p ? "resume" : "pause") + ":" + chain.id()));
            if (row.size() == 2) {
                rows.add(row);
                row = new ArrayList<>();
            }
        }
        if (!row.isEmpty()) rows.add(row);
        text.append("\n\n").append(ctx.text("drip.chains.commands"));
        ctx.reply(Reply.Text.of(text.toString()).withButtons(rows));
    }

    private void setPaused(ChatContext ctx, String chainId, boolean pause) {
        if (chains.get(chainId).isEmpty()) {
            ctx.say("drip.chains.unknown", "id", chainId, "ids", String.join(", ", chains.all().stream().map(Chain::id).toList()));
            return;
        }
        jdbc.sql("""
                        INSERT INTO drip_chain_state (chain_id, paused, changed_by, changed_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (chain_id) DO UPDATE SET paused = excluded.paused, changed_by = excluded.changed_by,
                                                             changed_at = excluded.changed_at""")
                .params(chainId, pause, ctx.userId(), Timestamp.from(clock.instant())).update();
        audit.record(Decider.telegram(ctx.userId(), ctx.firstName()), pause ? "drip.chain-paused" : "drip.chain-resumed",
                "chain#" + chainId, Map.of("paused", !pause), Map.of("paused", pause));
        ctx.answerCallback(ctx.text(pause ? "drip.chains.paused-now" : "drip.chains.resumed-now", "id", chainId), false);
        ctx.say(pause ? "drip.chains.paused-now" : "drip.chains.resumed-now", "id", chainId);
    }

    private void runNow(ChatContext ctx, String args) {
        if (!args.isEmpty() && !sandbox) {
            ctx.say("drip.run.no-time-travel");
            return;
        }
        if (sandbox) {
            Duration jump;
            try {
                jump = args.isEmpty() ? untilNextStep() : Durations.parse(args);
            } catch (IllegalArgumentException e) {
                ctx.say("drip.run.bad-duration");
                return;
            }
            Instant target = clock.instant().plus(jump);
            Instant allowed = quiet.nextAllowed(target);
            clock.advance(jump.plus(Duration.between(target, allowed)));
        }
        Map<String, Integer> done = tasks.runAll();
        ctx.say("drip.run.done", Messages.args("now", formats.dateTime(clock.instant(), ctx.language()),
                "offset", Durations.format(clock.offset().isNegative() ? Duration.ZERO : clock.offset().withNanos(0)),
                "entered", done.get(DripTasks.SCAN), "sent", done.get(DripTasks.DISPATCH),
                "broadcast", done.get(DripTasks.BROADCAST), "reminded", done.get(DripTasks.REMINDERS),
                "digests", done.get(DripTasks.DIGEST)));
    }

    /** How far the earliest waiting step is (zero when something is due already or nothing waits). */
    private Duration untilNextStep() {
        Set<String> paused = pausedChains();
        return jdbc.sql("SELECT min(due_at) FROM drip_enrollment WHERE status = 'ACTIVE' AND chain_id <> ALL(?)")
                .param(paused.toArray(String[]::new)).query(Timestamp.class).optional()
                .map(t -> Duration.between(clock.instant(), t.toInstant()))
                .filter(d -> !d.isNegative()).map(d -> d.plusSeconds(1)).orElse(Duration.ZERO);
    }

    private void reload(ChatContext ctx) {
        List<String> problems = chains.reload();
        if (problems.isEmpty()) {
            ctx.say("drip.chains.reloaded", "ids", String.join(", ", chains.all().stream().map(Chain::id).toList()));
        } else {
            ctx.say("drip.chains.reload-failed", "problems", String.join("\n", problems.stream().limit(10).toList()));
        }
    }

    private void log(ChatContext ctx, String args) {
        if (!args.matches("\\d{1,18}")) {
            ctx.say("drip.log.usage");
            return;
        }
        long userId = Long.parseLong(args);
        List<String> lines = jdbc.sql("""
                        SELECT s.chain_id, s.step_id,
                               CASE WHEN s.outcome = 'SENT' AND o.status IN ('DROPPED', 'FAILED') THEN 'UNDELIVERED' ELSE s.outcome END,
                               s.reason, s.at, s.clicked_at FROM drip_send s LEFT JOIN outbox o ON o.id = s.outbox_id
                        WHERE s.user_id = ? ORDER BY s.id DESC LIMIT 30""")
                .param(userId)
                .query((rs, n) -> ctx.text("drip.log.line", Messages.args("at", formats.dateTime(rs.getTimestamp(5).toInstant(), ctx.language()),
                        "chain", rs.getString(1), "step", rs.getString(2),
                        "outcome", ctx.text("drip.log.outcome." + rs.getString(3).toLowerCase(java.util.Locale.ROOT)),
                        "reason", rs.getString(4) == null ? "" : " (" + rs.getString(4) + ")",
                        "clicked", rs.getTimestamp(6) == null ? "" : " 👆")))
                .list();
        if (lines.isEmpty()) {
            ctx.say("drip.log.empty", "user", userId);
            return;
        }
        List<String> chronological = new ArrayList<>(lines);
        java.util.Collections.reverse(chronological);
        ctx.reply(Reply.Text.of(ctx.text("drip.log.header", "user", userId) + "\n"
                + String.join("\n", chronological)));
    }

    private void listBroadcasts(ChatContext ctx) {
        List<Broadcasts.View> recent = broadcasts.recent(10);
        if (recent.isEmpty()) {
            ctx.say("drip.broadcast.none");
            return;
        }
        StringBuilder text = new StringBuilder(ctx.text("drip.broadcast.list-header"));
        for (Broadcasts.View b : recent) {
            String first = b.text().replaceAll("<[^>]*>", "").strip();
            if (first.length() > 60) first = first.substring(0, 60) + "…";
            // a draft never confirmed (or cancelled) has no progress message: its state still shows
            String head = b.progressText() != null ? b.progressText() : ctx.text("drip.broadcast.list-line", "id", b.id(),
                    "audience", broadcasts.audienceLabel(ctx.language(), b.audience()),
                    "state", ctx.text("drip.broadcast.state." + b.status().toLowerCase(java.util.Locale.ROOT)));
            text.append("\n\n").append(head)
                    .append("\n<i>").append(HtmlUtils.htmlEscape(HtmlUtils.htmlUnescape(first))).append("</i>");
        }
        ctx.reply(Reply.Text.of(text.toString()));
    }

    private Set<String> pausedChains() {
        return Set.copyOf(jdbc.sql("SELECT chain_id FROM drip_chain_state WHERE paused").query(String.class).list());
    }
}
