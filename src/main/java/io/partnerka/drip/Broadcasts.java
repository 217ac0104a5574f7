package io.partnerka.drip;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.Roles;
import io.partnerka.conversation.UserError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A manager's message to an audience. Confirming it snapshots the audience into recipient rows; a periodic job
 * turns pending recipients into outbox rows in batches (recipient and outbox row commit together, so a restart goes
 * on where it stopped and nobody gets it twice); the manager's progress message is edited as delivery goes on, and
 * RSVP answers are counted on it.
 */
@Service
class Broadcasts {

    private static final Logger log = LoggerFactory.getLogger(Broadcasts.class);
    static final String RSVP_PREFIX = "rsvp";
    static final List<String> ANSWERS = List.of("going", "maybe", "no");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ProgramData data;
    private final Notifier notifier;
    private final Messages messages;
    private final Roles roles;
    private final DripClock clock;
    private final QuietHours quiet;
    private final DripProperties properties;
    private final Counter queuedCounter;
    private final Formats formats;

    Broadcasts(JdbcClient jdbc, PlatformTransactionManager transactions, ProgramData data, Notifier notifier,
               Messages messages, Roles roles, DripClock clock, QuietHours quiet, DripProperties properties,
               MeterRegistry meters, Formats formats) {
        this.formats = formats;
        this.queuedCounter = meters.counter("partnerka.drip.broadcast.queued");
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.data = data;
        this.notifier = notifier;
        this.messages = messages;
        this.roles = roles;
        this.clock = clock;
        this.quiet = quiet;
        this.properties = properties;
    }

    record View(long id, long createdBy, Audience audience, String text, boolean rsvp, String status, int total,
                Instant createdAt, Long progressChatId, Long progressOutboxId, String progressText, boolean sendInQuietHours) {

        /** Confirmed, nothing handed over yet: it waits for the quiet hours to end (unless sent anyway). */
        boolean waiting() {
            return "QUEUED".equals(status) && !sendInQuietHours;
        }
    }

    Optional<View> find(long id) {
        return jdbc.sql("SELECT * FROM drip_broadcast WHERE id = ?").param(id).query(this::view).optional();
    }

    List<View> recent(int limit) {
        return jdbc.sql("SELECT * FROM drip_broadcast WHERE status <> 'DRAFT' ORDER BY id DESC LIMIT ?").param(limit)
                .query(this::view).list();
    }

    ProgramData.AudienceSize audienceSize(Audience audience) {
        return data.audienceSize(audience, clock.instant(), activityFacts(), properties.activeWithin(), managers());
    }

    /** Stores what the manager wrote (checked as Telegram HTML) until they confirm it. */
    @Transactional
    long draft(long managerId, Audience audience, boolean rsvp, String text) {
        String problem = TelegramHtml.problem(text);
        if (problem != null) throw new UserError("drip.broadcast.bad-html", Map.of("problem", problem));
        return jdbc.sql("INSERT INTO drip_broadcast (created_by, audience, text, rsvp, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id")
                .params(managerId, audience.encode(), text, rsvp, Timestamp.from(clock.instant()))
                .query(Long.class).single();
    }

    /**
     * Confirms a draft: the audience as it is now becomes the recipients, and the manager gets the message that will
     * show the progress. A second press changes nothing.
     */
    @Transactional
    View confirm(long id, long managerChatId) {
        Instant now = clock.instant();
        int won = jdbc.sql("UPDATE drip_broadcast SET status = 'QUEUED', confirmed_at = ? WHERE id = ? AND status = 'DRAFT'")
                .params(Timestamp.from(now), id).update();
        if (won == 0) throw new UserError("drip.broadcast.already-confirmed");
        View b = find(id).orElseThrow();
        int total = data.insertRecipients(id, b.audience(), now, activityFacts(), properties.activeWithin(), managers());
        jdbc.sql("""
                        UPDATE drip_broadcast SET total = ?, status = CASE WHEN ? = 0 THEN 'DONE' ELSE status END,
                               finished_at = CASE WHEN ? = 0 THEN ?::timestamptz END
                        WHERE id = ?""")
                .params(total, total, total, Timestamp.from(now), id).update();
        View confirmed = find(id).orElseThrow();
        int unreachable = count("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'UNREACHABLE'", id);
        String text = progressText(confirmed, managerChatId, 0, new long[4], unreachable);
        long outboxId = notifier.send(managerChatId, Reply.Text.of(text).withButtons(progressButtons(confirmed, managerChatId)));
        jdbc.sql("UPDATE drip_broadcast SET progress_chat_id = ?, progress_outbox_id = ?, progress_text = ? WHERE id = ?")
                .params(managerChatId, outboxId, text, id).update();
        log.info("Broadcast {} confirmed by {}: {} recipients ({})", id, managerChatId, total, b.audience().encode());
        return find(id).orElseThrow();
    }

    boolean inQuietHours() {
        return quiet.isQuiet(clock.instant());
    }

    /** The moment a broadcast confirmed now starts going out: now, or the end of the quiet hours. */
    Instant startsAt() {
        return quiet.nextAllowed(clock.instant());
    }

    /** "Send now anyway" (during quiet hours, where the operator allows it): false when it is too late for that. */
    @Transactional
    boolean sendNow(long id) {
        if (!properties.broadcast().allowDuringQuietHours()) return false;
        return jdbc.sql("UPDATE drip_broadcast SET send_in_quiet_hours = TRUE WHERE id = ? AND status = 'QUEUED' AND NOT send_in_quiet_hours")
                .param(id).update() == 1;
    }

    /** While a confirmed broadcast waits for the quiet hours to end: "send now anyway", where allowed. */
    private List<List<Button>> progressButtons(View b, long managerChatId) {
        if (!b.waiting() || !quiet.isQuiet(clock.instant()) || !properties.broadcast().allowDuringQuietHours()) return List.of();
        String lang = notifier.languageOf(managerChatId);
        return List.of(List.of(notifier.button(managerChatId, messages.text(lang, "drip.broadcast.send-now", Map.of()),
                BroadcastAction.PREFIX + ":now:" + b.id())));
    }

    @Transactional
    boolean cancel(long id) {
        return jdbc.sql("UPDATE drip_broadcast SET status = 'CANCELLED' WHERE id = ? AND status = 'DRAFT'").param(id).update() == 1;
    }

    // ---- delivery ---------------------------------------------------------------------------------------------

    /** Queues pending recipients batch by batch, until none is left, time is up, quiet hours begin or the outbox is full. */
    int queueDue(Duration maxRun) {
        long deadline = System.nanoTime() + maxRun.toNanos();
        int total = 0;
        int backlogLimit = properties.dispatch().maxOutboxBacklog();
        while (System.nanoTime() < deadline) {
            // in quiet hours only what a manager chose to send anyway goes out
            boolean quietNow = quiet.isQuiet(clock.instant());
            if (quietNow && !anySentInQuietHours()) break;
            if (backlogLimit > 0 && data.outboxBacklog() > backlogLimit) break;
            Integer queued = tx.execute(s -> queueBatch(properties.broadcast().batchSize(), quietNow));
            int n = queued == null ? 0 : queued;
            queuedCounter.increment(n);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private record Recipient(long broadcastId, long chatId) {
    }

    private boolean anySentInQuietHours() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM drip_broadcast WHERE status IN ('QUEUED', 'SENDING') AND send_in_quiet_hours)")
                .query(Boolean.class).single();
    }

    /** One batch in a transaction of its own: its recipients and their outbox rows commit together, or neither. */
    int queueOneBatch(int max) {
        Integer n = tx.execute(s -> queueBatch(max, quiet.isQuiet(clock.instant())));
        if (n != null) queuedCounter.increment(n);
        return n == null ? 0 : n;
    }

    private int queueBatch(int max, boolean quietNow) {
        List<Recipient> batch = jdbc.sql("""
                        SELECT r.broadcast_id, r.chat_id FROM drip_broadcast_recipient r
                        JOIN drip_broadcast b ON b.id = r.broadcast_id
                        WHERE r.status = 'PENDING' AND b.status IN ('QUEUED', 'SENDING') AND (NOT ? OR b.send_in_quiet_hours)
                        ORDER BY r.broadcast_id, r.chat_id LIMIT ? FOR UPDATE OF r SKIP LOCKED""")
                .params(quietNow, max).query((rs, n) -> new Recipient(rs.getLong(1), rs.getLong(2))).list();
        if (batch.isEmpty()) return 0;
        Map<Long, Subject> subjects = data.subjects(batch.stream().map(Recipient::chatId).distinct().toList());
        Map<Long, View> broadcasts = new java.util.HashMap<>();
        List<Long> ids = new ArrayList<>();
        List<Long> chats = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Long> outboxIds = new ArrayList<>();
        List<Outbox.OutgoingMessage> outgoing = new ArrayList<>();
        List<Integer> queuedAt = new ArrayList<>();
        for (Recipient r : batch) {
            View b = broadcasts.computeIfAbsent(r.broadcastId(), id -> find(id).orElseThrow());
            Subject s = subjects.get(r.chatId());
            ids.add(r.broadcastId());
            chats.add(r.chatId());
            if (s == null || s.unreachable()) {
                statuses.add("UNREACHABLE");
                outboxIds.add(null);
            } else {
                statuses.add("QUEUED");
                queuedAt.add(outboxIds.size());
                outboxIds.add(null);
                outgoing.add(new Outbox.OutgoingMessage(r.chatId(), message(b, r.chatId(), language(s), null)));
            }
        }
        List<Long> queued = notifier.sendAll(outgoing); // one INSERT for the batch
        for (int k = 0; k < queued.size(); k++) outboxIds.set(queuedAt.get(k), queued.get(k));
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                        UPDATE drip_broadcast_recipient r SET status = u.status, outbox_id = u.outbox_id, queued_at = ?
                        FROM unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::bigint[]) AS u(broadcast_id, chat_id, status, outbox_id)
                        WHERE r.broadcast_id = u.broadcast_id AND r.chat_id = u.chat_id""")
                .params(now, ids.toArray(Long[]::new), chats.toArray(Long[]::new), statuses.toArray(String[]::new),
                        outboxIds.toArray(Long[]::new))
                .update();
        Long[] touched = broadcasts.keySet().toArray(Long[]::new);
        jdbc.sql("UPDATE drip_broadcast SET status = 'SENDING' WHERE id = ANY(?) AND status = 'QUEUED'").param(touched).update();
        jdbc.sql("""
                        UPDATE drip_broadcast b SET status = 'QUEUED_ALL' WHERE b.id = ANY(?) AND b.status = 'SENDING'
                          AND NOT EXISTS (SELECT 1 FROM drip_broadcast_recipient r WHERE r.broadcast_id = b.id AND r.status = 'PENDING')""")
                .param(touched).update();
        return batch.size();
    }

    private String language(Subject s) {
        return s.language() == null ? messages.defaultLanguage() : s.language();
    }

    /** The broadcast as a recipient sees it; with RSVP buttons (the chosen one ticked) when it asks for them. */
    Reply.Text message(View b, long chatId, String lang, String chosen) {
        Reply.Text text = Reply.Text.of(b.text());
        if (!b.rsvp()) return text;
        List<Button> row = new ArrayList<>();
        for (String answer : ANSWERS) {
            String label = messages.text(lang, "drip.rsvp." + answer, Map.of());
            if (answer.equals(chosen)) label = "✅ " + label;
            row.add(notifier.button(chatId, label, RSVP_PREFIX + ":" + b.id() + ":" + answer));
        }
        return text.withButtons(List.of(row));
    }

    // ---- RSVP -------------------------------------------------------------------------------------------------

    /** Records (or changes) a person's answer; false when the broadcast does not ask for one. */
    @Transactional
    boolean rsvp(long broadcastId, long userId, String answer) {
        if (!ANSWERS.contains(answer) || find(broadcastId).filter(View::rsvp).isEmpty()) return false;
        jdbc.sql("""
                        INSERT INTO drip_rsvp (broadcast_id, user_id, answer, at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (broadcast_id, user_id) DO UPDATE SET answer = excluded.answer, at = excluded.at""")
                .params(broadcastId, userId, answer, Timestamp.from(clock.instant())).update();
        return true;
    }

    /** Going, maybe, not interested. */
    int[] rsvpCounts(long broadcastId) {
        int[] out = new int[ANSWERS.size()];
        jdbc.sql("SELECT answer, count(*) FROM drip_rsvp WHERE broadcast_id = ? GROUP BY answer").param(broadcastId)
                .query(rs -> {
                    int i = ANSWERS.indexOf(rs.getString(1));
                    if (i >= 0) out[i] = rs.getInt(2);
                });
        return out;
    }

    // ---- progress ---------------------------------------------------------------------------------------------

    /**
     * Brings every running broadcast's progress message up to date (an edit of the message the manager got when
     * confirming, once the transport delivered it), finishes broadcasts whose messages all went out, and keeps RSVP
     * counts fresh for a while after.
     */
    @Transactional
    int refreshProgress() {
        Timestamp rsvpSince = Timestamp.from(clock.instant().minus(properties.broadcast().rsvpCountsFor()));
        List<View> open = jdbc.sql("""
                        SELECT * FROM drip_broadcast WHERE status IN ('QUEUED', 'SENDING', 'QUEUED_ALL')
                           OR status = 'DONE' AND rsvp AND finished_at > ?""")
                .param(rsvpSince).query(this::view).list();
        int edited = 0;
        for (View b : open) {
            long[] delivery = data.deliveryCounts(b.id());
            int unreachable = count("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'UNREACHABLE'", b.id());
            int queued = count("SELECT count(*) FROM drip_broadcast_recipient WHERE broadcast_id = ? AND status = 'QUEUED'", b.id());
            if ("QUEUED_ALL".equals(b.status()) && delivery[3] == 0) {
                jdbc.sql("UPDATE drip_broadcast SET status = 'DONE', finished_at = ? WHERE id = ? AND status = 'QUEUED_ALL'")
                        .params(Timestamp.from(clock.instant()), b.id()).update();
                b = find(b.id()).orElseThrow();
            }
            if (b.progressChatId() == null) continue;
            String text = progressText(b, b.progressChatId(), queued, delivery, unreachable);
            if (text.equals(b.progressText())) continue;
            Optional<Integer> messageId = b.progressOutboxId() == null ? Optional.empty()
                    : notifier.deliveredMessageId(b.progressOutboxId());
            if (messageId.isEmpty()) continue;
            notifier.send(b.progressChatId(), Reply.Text.of(text).withButtons(progressButtons(b, b.progressChatId()))
                    .asEditOf(messageId.get()));
            jdbc.sql("UPDATE drip_broadcast SET progress_text = ? WHERE id = ?").params(text, b.id()).update();
            edited++;
        }
        return edited;
    }

    /** "📣 Broadcast #7 · all partners: delivered 1,200 of 5,000, 3 unreachable ..." in the manager's language. */
    String progressText(View b, long managerChatId, int queued, long[] delivery, int unreachable) {
        String lang = notifier.languageOf(managerChatId);
        String state = messages.text(lang, "drip.broadcast.state." + b.status().toLowerCase(java.util.Locale.ROOT), Map.of());
        String text = messages.text(lang, "drip.broadcast.progress", Messages.args(
                "id", b.id(), "audience", audienceLabel(lang, b.audience()), "state", state,
                "total", fmt(b.total(), lang), "queued", fmt(queued, lang), "delivered", fmt(delivery[0], lang),
                "unreachable", fmt(unreachable + delivery[1], lang), "failed", fmt(delivery[2], lang)));
        if (b.waiting() && quiet.isQuiet(clock.instant())) {
            text += "\n" + messages.text(lang, "drip.broadcast.waits-for-quiet-hours", Messages.args(
                    "at", formats.dateTime(startsAt(), lang), "quiet", quiet.describe()));
        }
        if (b.rsvp()) {
            int[] c = rsvpCounts(b.id());
            text += "\n" + messages.text(lang, "drip.broadcast.rsvp-counts", Messages.args(
                    "going", c[0], "maybe", c[1], "no", c[2]));
        }
        return text;
    }

    String audienceLabel(String lang, Audience a) {
        String key = "drip.audience." + a.kind().name().toLowerCase(java.util.Locale.ROOT);
        String value = a.value() == null ? "" : a.value();
        // partner types read as the application form names them ("🏢 Company"), when it does
        if (a.kind() == Audience.Kind.TYPE && messages.has(lang, "apply.type." + value)) {
            value = messages.text(lang, "apply.type." + value, Map.of());
        }
        return messages.text(lang, key, Map.of("value", value));
    }

    private static String fmt(long n, String lang) {
        return Formats.number(n, lang);
    }

    private int count(String sql, long id) {
        return jdbc.sql(sql).param(id).query(Integer.class).single();
    }

    private String[] activityFacts() {
        return properties.activityFacts().toArray(String[]::new);
    }

    private Long[] managers() {
        return roles.managerIds().toArray(Long[]::new);
    }

    private View view(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long progressChat = rs.getLong("progress_chat_id");
        Long pc = rs.wasNull() ? null : progressChat;
        long progressOutbox = rs.getLong("progress_outbox_id");
        Long po = rs.wasNull() ? null : progressOutbox;
        return new View(rs.getLong("id"), rs.getLong("created_by"), Audience.decode(rs.getString("audience")),
                rs.getString("text"), rs.getBoolean("rsvp"), rs.getString("status"), rs.getInt("total"),
                rs.getTimestamp("created_at").toInstant(), pc, po, rs.getString("progress_text"), rs.getBoolean("send_in_quiet_hours"));
    }
}
