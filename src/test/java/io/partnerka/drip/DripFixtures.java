package io.partnerka.drip;

import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Messages;
import io.partnerka.testing.ChatTester;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Partners as rows, a clean slate of the drip tables, and the clock at noon in the program's zone. */
final class DripFixtures {

    static final ZoneId ZONE = ZoneId.of("Europe/Moscow");
    private static final AtomicLong USERS = new AtomicLong(700_000);
    private final JdbcClient jdbc;
    private final ConversationEngine engine;
    private final Messages messages;

    DripFixtures(JdbcClient jdbc, ConversationEngine engine, Messages messages) {
        this.jdbc = jdbc;
        this.engine = engine;
        this.messages = messages;
    }

    /** Today (in the program's zone) at {@code time}. */
    static Instant today(String time) {
        return LocalDate.now(ZONE).atTime(LocalTime.parse(time)).atZone(ZONE).toInstant();
    }

    /** Forgets everything the drip module and earlier drip tests wrote. */
    void clean() {
        for (String table : List.of("drip_rsvp", "drip_broadcast_recipient", "drip_broadcast", "drip_send",
                "drip_enrollment", "drip_fact", "drip_chain_state", "drip_reminder", "drip_digest_run",
                "drip_stalled_reported")) {
            jdbc.sql("DELETE FROM " + table).update();
        }
        String fixtureDeals = "SELECT d.id FROM deal d JOIN partner p ON p.id = d.partner_id WHERE p.user_id >= 700000";
        jdbc.sql("DELETE FROM deal_history WHERE deal_id IN (" + fixtureDeals + ")").update();
        jdbc.sql("DELETE FROM deal WHERE id IN (" + fixtureDeals + ")").update();
        jdbc.sql("DELETE FROM partner WHERE user_id >= 700000").update();
        jdbc.sql("DELETE FROM chat WHERE chat_id >= 700000").update();
    }

    long newUserId() {
        return USERS.incrementAndGet();
    }

    /** A chat of someone who wrote to the bot (not a partner). */
    long person(String language) {
        long id = newUserId();
        jdbc.sql("INSERT INTO chat (chat_id, user_id, language, first_name) VALUES (?, ?, ?, 'Анна')")
                .params(id, id, language).update();
        return id;
    }

    /** An approved partner of {@code type} (also its segment), approved at {@code decidedAt}. */
    long partner(String type, Instant decidedAt) {
        return partner(type, "APPROVED", decidedAt, "ru");
    }

    long partner(String type, String status, Instant decidedAt, String language) {
        long id = person(language);
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language,
                                             applied_at, decided_at)
                        VALUES (?, ?, ?, ?, 'Анна Петрова', 'Москва', '+79160000000', 'social', ?, ?, ?, ?)""")
                .params(id, id, status, type, type, language, Timestamp.from(decidedAt), Timestamp.from(decidedAt)).update();
        return id;
    }

    /** Passes the person's mandatory courses the quick way (a passed attempt and its certificate), opening the gate. */
    void passTraining(long user, io.partnerka.training.Training training) {
        io.partnerka.testing.TrainingShortcut.passMandatory(jdbc, training, user);
    }

    ChatTester chat(long userId) {
        return new ChatTester(engine, messages, jdbc, userId, "Анна");
    }

    /** The enrolment of a person in a chain: status, next step, due time. */
    record Enrolment(String status, String nextStep, String lastStep, Instant dueAt, String stopReason) {
    }

    List<Enrolment> enrolments(long userId, String chain) {
        return jdbc.sql("SELECT status, next_step, last_step, due_at, stop_reason FROM drip_enrollment WHERE user_id = ? AND chain_id = ? ORDER BY id")
                .params(userId, chain)
                .query((rs, n) -> new Enrolment(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getString(5)))
                .list();
    }

    /** What the log says happened to a person's steps, in order: "chain/step OUTCOME reason". */
    List<String> log(long userId) {
        return jdbc.sql("SELECT chain_id || '/' || step_id || ' ' || outcome || coalesce(' ' || reason, '') FROM drip_send WHERE user_id = ? ORDER BY id")
                .param(userId).query(String.class).list();
    }
}
