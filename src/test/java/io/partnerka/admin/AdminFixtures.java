package io.partnerka.admin;

import io.partnerka.approval.Approvals;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rows the admin tests start from: an application waiting for a manager, an approved partner, a deal. */
final class AdminFixtures {

    private static final AtomicLong USERS = new AtomicLong(700_000 + (System.nanoTime() % 1000) * 1000);

    private final JdbcClient jdbc;
    private final Approvals approvals;

    AdminFixtures(JdbcClient jdbc, Approvals approvals) {
        this.jdbc = jdbc;
        this.approvals = approvals;
    }

    record Applicant(long partnerId, long userId, long itemId) {
    }

    /** Someone whose application waits for a manager (prescoring sent it to review). */
    Applicant application(String name) {
        long user = USERS.incrementAndGet();
        chat(user, name);
        long id = jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, score)
                        VALUES (?, ?, 'PENDING_REVIEW', 'individual', ?, 'Москва', '+79161234567', 'social', 'individual', 'ru', 55)
                        RETURNING id""").params(user, user, name).query(Long.class).single();
        return new Applicant(id, user, approvals.submit("application", id));
    }

    /** An approved partner with personal manager 100 (the sandbox manager). */
    long partner(String name) {
        long user = USERS.incrementAndGet();
        chat(user, name);
        return jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language, score,
                                             manager_id, decided_at)
                        VALUES (?, ?, 'APPROVED', 'individual', ?, 'Казань', '+79031112233', 'social', 'individual', 'ru', 80, 100, now())
                        RETURNING id""").params(user, user, name).query(Long.class).single();
    }

    long userOf(long partnerId) {
        return jdbc.sql("SELECT user_id FROM partner WHERE id = ?").param(partnerId).query(Long.class).single();
    }

    /** A client the partner handed over, in the first status. */
    long deal(long partnerId, String client) {
        return jdbc.sql("""
                        INSERT INTO deal (partner_id, client_name, client_phone, product, status)
                        VALUES (?, ?, '+7926' || lpad((floor(random() * 10000000))::text, 7, '0'), 'accounting', 'new') RETURNING id""")
                .params(partnerId, client).query(Long.class).single();
    }

    /** The texts the bot queued for a chat after a given outbox id. */
    java.util.List<String> outboxTexts(long chatId, long afterId) {
        return jdbc.sql("SELECT payload->>'text' FROM outbox WHERE chat_id = ? AND id > ? ORDER BY id").params(chatId, afterId)
                .query(String.class).list();
    }

    long lastOutboxId() {
        return jdbc.sql("SELECT coalesce(max(id), 0) FROM outbox").query(Long.class).single();
    }

    private void chat(long user, String name) {
        jdbc.sql("INSERT INTO chat (chat_id, user_id, first_name, language) VALUES (?, ?, ?, 'ru') ON CONFLICT DO NOTHING")
                .params(user, user, name).update();
    }
}
