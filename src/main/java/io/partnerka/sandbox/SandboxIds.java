package io.partnerka.sandbox;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ids Telegram would hand out, from database sequences so they keep growing across restarts: the inbox ignores an
 * update_id it has seen, and the bot edits its messages by id.
 */
class SandboxIds {

    private final JdbcClient jdbc;

    SandboxIds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    int nextUpdateId() {
        return jdbc.sql("SELECT nextval('sandbox_update_id')").query(Integer.class).single();
    }

    int nextMessageId() {
        return jdbc.sql("SELECT nextval('sandbox_message_id')").query(Integer.class).single();
    }
}
