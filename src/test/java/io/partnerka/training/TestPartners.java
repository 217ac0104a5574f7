package io.partnerka.training;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Approved partners for tests, inserted directly (the apply journey has its own tests). */
final class TestPartners {

    private static final AtomicLong USERS = new AtomicLong(70_000);

    private TestPartners() {
    }

    static long nextUserId() {
        return USERS.incrementAndGet();
    }

    /** An approved partner of the given type (and segment); returns the user id. */
    static long approved(JdbcClient jdbc, String type, String name) {
        long userId = nextUserId();
        jdbc.sql("""
                        INSERT INTO partner (user_id, chat_id, status, type, name, city, phone, source, segment, language,
                                             manager_id, decided_at)
                        VALUES (?, ?, 'APPROVED', ?, ?, 'Москва', '+79161234567', 'social', ?, 'ru', 100, now())""")
                .params(userId, userId, type, name, type).update();
        return userId;
    }
}
