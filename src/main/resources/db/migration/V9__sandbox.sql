-- sandbox: the people a developer plays in the browser chat (kept so an added partner survives a restart, because the
-- bot remembers them), and the message ids the sandbox hands out as Telegram would: never reused, across restarts
-- too, because the bot edits its messages by id (update ids come from the telegram module's own sequence)
CREATE TABLE sandbox_persona (
    user_id       BIGINT PRIMARY KEY,
    first_name    VARCHAR(64)  NOT NULL,
    username      VARCHAR(32)  NOT NULL,
    language_code VARCHAR(8)   NOT NULL,
    phone         VARCHAR(32)  NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE SEQUENCE sandbox_message_id AS INT;
