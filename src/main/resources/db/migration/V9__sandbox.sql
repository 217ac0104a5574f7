-- sandbox: the people a developer plays in the browser chat (kept so an added partner survives a restart, because the
-- bot remembers them), and the ids Telegram would hand out: update ids must never repeat (the inbox ignores a
-- repeated update_id), message ids must not either (the bot edits messages by id after a restart too)
CREATE TABLE sandbox_persona (
    user_id       BIGINT PRIMARY KEY,
    first_name    VARCHAR(64)  NOT NULL,
    username      VARCHAR(32)  NOT NULL,
    language_code VARCHAR(8)   NOT NULL,
    phone         VARCHAR(32)  NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE SEQUENCE sandbox_update_id AS INT;
CREATE SEQUENCE sandbox_message_id AS INT;
