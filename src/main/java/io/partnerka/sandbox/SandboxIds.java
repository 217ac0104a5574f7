package io.partnerka.sandbox;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The message ids Telegram would hand out, from a database sequence so they keep growing across restarts: the bot
 * edits its messages by id. (Update ids come from {@link io.partnerka.telegram.TelegramUpdates#newUpdateId()}.)
 */
class SandboxIds {

    private final JdbcClient jdbc;

    SandboxIds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    int nextMessageId() {
        return jdbc.sql("SELECT nextval('sandbox_message_id')").query(Integer.class).single();
    }
}
