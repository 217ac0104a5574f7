package io.partnerka.support;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Questions of partners to their manager. A question opens a thread (or continues one) and reaches the partner's
 * personal manager (every manager when none is assigned) with the partner's card and a Reply button; an answer goes
 * back to the partner. Everything is in PostgreSQL: a restart between question and answer loses nothing.
 */
@Service
public class Support {

    private static final Logger log = LoggerFactory.getLogger(Support.class);
    static final int MAX_TEXT = 3500;
    private final JdbcClient jdbc;
    private final Partners partners;
    private final Notifier notifier;
    private final Duration remindAfter;
    private final Formats formats;

    Support(JdbcClient jdbc, Partners partners, Notifier notifier,
            @Value("${partnerka.support.remind-after:PT4H}") Duration remindAfter,
            Formats formats) {
        this.jdbc = jdbc;
        this.partners = partners;
        this.notifier = notifier;
        this.remindAfter = remindAfter;
        this.formats = formats;
    }

    /**
     * A partner asks (text, a file, or both). With {@code threadId} the partner writes again in an earlier thread.
     * Returns the thread's id.
     */
    @Transactional
    public long ask(long userId, String text, Attachment attachment, Long threadId) {
        PartnerView partner = partners.approvedPartner(userId);
        String body = text == null ? "" : text.strip();
        if (body.isEmpty() && attachment == null) throw new UserError("support.empty");
        if (body.length() > MAX_TEXT) throw new UserError("support.too-long", Map.of("max", MAX_TEXT));
        long thread;
        boolean again = threadId != null;
        if (again) {
            SupportThread t = thread(threadId).filter(x -> x.partnerUserId() == userId)
                    .orElseThrow(() -> new UserError("support.no-such-thread"));
            thread = t.id();
            jdbc.sql("""
                            UPDATE support_thread SET status = 'OPEN', waiting_since = coalesce(waiting_since, now()),
                                   reminded_at = NULL, updated_at = now() WHERE id = ?""")
                    .param(thread).update();
        } else {
            thread = jdbc.sql("""
                            INSERT INTO support_thread (partner_id, partner_user_id, partner_chat_id, manager_id, waiting_since)
                            VALUES (?, ?, ?, ?, now()) RETURNING id""")
                    .params(partner.id(), partner.userId(), partner.chatId(), partner.managerId())
                    .query(Long.class).single();
        }
        jdbc.sql("""
                        INSERT INTO support_message (thread_id, author, author_id, author_name, text, file_kind, file_id, file_name)
                        VALUES (?, 'PARTNER', ?, ?, ?, ?, ?, ?)""")
                .params(thread, userId, partner.name(), body.isEmpty() ? null : body,
                        attachment == null ? null : attachment.kind(), attachment == null ? null : attachment.fileId(),
                        attachment == null ? null : attachment.fileName())
                .update();
        for (long manager : partners.managersOf(partner.id())) {
            notice(manager, thread, notifier.send(manager, questionCard(manager, thread, partner, body, attachment,
                    again ? "support.to-manager-again" : "support.to-manager")));
            if (attachment != null) {
                // the file itself, sent by Telegram's file id; replying to it answers the thread too
                notice(manager, thread, notifier.send(manager, new Reply.File(attachment.fileId(),
                        attachment.kind().toLowerCase(java.util.Locale.ROOT), null)));
            }
        }
        return thread;
    }

    /** A manager answers a thread; the partner reads the answer with a button to write back. */
    @Transactional
    public void answer(long managerUserId, String managerName, long threadId, String text) {
        SupportThread t = thread(threadId).orElseThrow(() -> new UserError("support.no-such-thread"));
        String body = text == null ? "" : text.strip();
        if (body.isEmpty()) throw new UserError("support.empty");
        if (body.length() > MAX_TEXT) throw new UserError("support.too-long", Map.of("max", MAX_TEXT));
        jdbc.sql("INSERT INTO support_message (thread_id, author, author_id, author_name, text) VALUES (?, 'MANAGER', ?, ?, ?)")
                .params(t.id(), managerUserId, managerName, body).update();
        jdbc.sql("""
                        UPDATE support_thread SET status = 'ANSWERED', waiting_since = NULL, answered_by = ?,
                               answered_by_name = ?, updated_at = now() WHERE id = ?""")
                .params(managerUserId, managerName, t.id()).update();
        long chat = t.partnerChatId();
        notifier.send(chat, Reply.Text.of(notifier.text(chat, "support.answer", Map.of("name", managerName, "text", body)))
                .withButtons(List.of(List.of(notifier.button(chat, notifier.text(chat, "support.write-back", Map.of()), "sq:f:" + t.id())))));
    }

    /**
     * A manager replied (in Telegram's sense) to one of the question notifications: the reply answers that thread.
     * Returns the thread, or empty when the message replied to is not a question.
     */
    @Transactional
    public Optional<Long> answerByReply(long managerUserId, String managerName, int replyToMessageId, String text) {
        List<long[]> notices = jdbc.sql("SELECT outbox_id, thread_id FROM support_notice WHERE chat_id = ? ORDER BY outbox_id DESC LIMIT 500")
                .param(managerUserId).query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).list();
        for (long[] notice : notices) {
            Optional<Integer> delivered = notifier.deliveredMessageId(notice[0]);
            if (delivered.isPresent() && delivered.get() == replyToMessageId) {
                answer(managerUserId, managerName, notice[1], text);
                return Optional.of(notice[1]);
            }
        }
        return Optional.empty();
    }

    public Optional<SupportThread> thread(long id) {
        return jdbc.sql(SELECT + " WHERE t.id = ?").param(id).query(this::toThread).optional();
    }

    /** Open threads a manager should answer (their partners' and those without a personal manager), oldest first. */
    public List<SupportThread> open(long managerId, int limit) {
        return jdbc.sql(SELECT + " WHERE t.status = 'OPEN' AND (t.manager_id = ? OR t.manager_id IS NULL) ORDER BY t.waiting_since, t.id LIMIT ?")
                .params(managerId, limit).query(this::toThread).list();
    }

    /** Every open thread, oldest first. */
    public List<SupportThread> allOpen(int limit) {
        return jdbc.sql(SELECT + " WHERE t.status = 'OPEN' ORDER BY t.waiting_since, t.id LIMIT ?")
                .param(limit).query(this::toThread).list();
    }

    /** A partner's threads, newest first. */
    public List<SupportThread> threadsOf(long partnerUserId) {
        return jdbc.sql(SELECT + " WHERE t.partner_user_id = ? ORDER BY t.id DESC").param(partnerUserId).query(this::toThread).list();
    }

    /** One message of a thread, for the history view. */
    record Message(String author, String authorName, String text, String fileKind, String fileName, Instant at) {
    }

    List<Message> messages(long threadId, int last) {
        List<Message> out = new java.util.ArrayList<>(jdbc.sql("""
                        SELECT author, author_name, text, file_kind, file_name, created_at FROM support_message
                        WHERE thread_id = ? ORDER BY id DESC LIMIT ?""")
                .params(threadId, last)
                .query((rs, n) -> new Message(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant())).list());
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Reminds managers of questions that waited longer than {@code partnerka.support.remind-after}, once per such
     * period; safe with several instances (rows are claimed with SKIP LOCKED). Returns how many threads were reminded.
     */
    @Transactional
    public int remindOverdue() {
        List<SupportThread> due = jdbc.sql(SELECT + """
                         \sWHERE t.id IN (SELECT id FROM support_thread
                                        WHERE status = 'OPEN' AND waiting_since < now() - make_interval(secs => ?)
                                          AND (reminded_at IS NULL OR reminded_at < now() - make_interval(secs => ?))
                                        ORDER BY waiting_since LIMIT 100 FOR UPDATE SKIP LOCKED)""")
                .params(remindAfter.toSeconds(), remindAfter.toSeconds()).query(this::toThread).list();
        for (SupportThread t : due) {
            Optional<PartnerView> partner = partners.byId(t.partnerId());
            String name = partner.map(PartnerView::name).orElse("#" + t.partnerId());
            for (long manager : partners.managersOf(t.partnerId())) {
                String body = notifier.text(manager, "support.reminder", Map.of("id", t.id(), "name", name,
                        "age", age(manager, t.waitingSince()), "text", shorten(t.lastText(), 300)));
                notice(manager, t.id(), notifier.send(manager, Reply.Text.of(body).withButtons(List.of(
                        List.of(replyButton(manager, t.id()))))));
            }
            jdbc.sql("UPDATE support_thread SET reminded_at = now() WHERE id = ?").param(t.id()).update();
        }
        if (!due.isEmpty()) log.info("Reminded managers of {} unanswered question(s)", due.size());
        return due.size();
    }

    // ---- texts ------------------------------------------------------------------------------------------------

    Reply.Text questionCard(long manager, long thread, PartnerView partner, String text, Attachment attachment, String key) {
        String file = attachment == null ? "" : notifier.text(manager, "support.file-note", Map.of(
                "kind", notifier.text(manager, "support.file-kind." + attachment.kind().toLowerCase(java.util.Locale.ROOT), Map.of()),
                "name", attachment.fileName() == null ? "—" : attachment.fileName()));
        String body = notifier.text(manager, key, Map.of("id", thread, "card", new Messages.Trusted(partnerCard(manager, partner)),
                "text", text, "file", new Messages.Trusted(file)));
        return Reply.Text.of(body).withButtons(List.of(List.of(replyButton(manager, thread),
                notifier.button(manager, notifier.text(manager, "support.history-button", Map.of()), "sq:t:" + thread))));
    }

    /** The partner as a manager reads them: the phone in full to their personal manager (to call back), masked to others. */
    String partnerCard(long reader, PartnerView p) {
        return notifier.text(reader, "support.partner-card", Map.of("name", p.name(),
                "type", notifier.text(reader, "apply.type." + p.type(), Map.of()), "city", p.city(),
                "phone", partners.phoneFor(p.id(), reader), "pid", p.id()));
    }

    Button replyButton(long manager, long thread) {
        return notifier.button(manager, notifier.text(manager, "support.reply-button", Map.of()), "sq:r:" + thread);
    }

    String age(long reader, Instant since) {
        if (since == null) return "—";
        Duration d = Duration.between(since, Instant.now());
        if (d.toDays() >= 1) return notifier.text(reader, "support.age-days", Map.of("n", d.toDays()));
        if (d.toHours() >= 1) return notifier.text(reader, "support.age-hours", Map.of("n", d.toHours()));
        return notifier.text(reader, "support.age-minutes", Map.of("n", Math.max(1, d.toMinutes())));
    }

    String time(Instant at, String language) {
        return formats.shortDateTime(at, language);
    }

    static String shorten(String text, int max) {
        if (text == null) return "";
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private void notice(long chatId, long thread, long outboxId) {
        jdbc.sql("INSERT INTO support_notice (outbox_id, thread_id, chat_id) VALUES (?, ?, ?)")
                .params(outboxId, thread, chatId).update();
    }

    private static final String SELECT = """
            SELECT t.*, (SELECT coalesce(m.text, '📎 ' || coalesce(m.file_name, m.file_kind)) FROM support_message m
                         WHERE m.thread_id = t.id AND m.author = 'PARTNER' ORDER BY m.id DESC LIMIT 1) AS last_text
            FROM support_thread t
            """;

    private SupportThread toThread(ResultSet rs, int n) throws SQLException {
        long manager = rs.getLong("manager_id");
        Long managerId = rs.wasNull() ? null : manager;
        Timestamp waiting = rs.getTimestamp("waiting_since");
        return new SupportThread(rs.getLong("id"), rs.getLong("partner_id"), rs.getLong("partner_user_id"),
                rs.getLong("partner_chat_id"), managerId, SupportThread.Status.valueOf(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(), waiting == null ? null : waiting.toInstant(),
                rs.getString("answered_by_name"), rs.getString("last_text"));
    }
}
