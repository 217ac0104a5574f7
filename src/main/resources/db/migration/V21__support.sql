-- support: questions of partners to their manager, answered inside Telegram

-- a thread is OPEN while the partner's last message waits for a manager, ANSWERED once a manager replied
CREATE TABLE support_thread (
    id               BIGSERIAL PRIMARY KEY,
    partner_id       BIGINT       NOT NULL,
    partner_user_id  BIGINT       NOT NULL,
    partner_chat_id  BIGINT       NOT NULL,
    manager_id       BIGINT,
    status           VARCHAR(12)  NOT NULL DEFAULT 'OPEN',
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    waiting_since    TIMESTAMPTZ,
    reminded_at      TIMESTAMPTZ,
    answered_by      BIGINT,
    answered_by_name VARCHAR(200)
);
CREATE INDEX support_thread_waiting ON support_thread (waiting_since) WHERE status = 'OPEN';
CREATE INDEX support_thread_partner ON support_thread (partner_user_id);

-- every message of a thread; a file is kept by its Telegram file id (and name) so it can be sent on
CREATE TABLE support_message (
    id          BIGSERIAL PRIMARY KEY,
    thread_id   BIGINT       NOT NULL REFERENCES support_thread (id),
    author      VARCHAR(10)  NOT NULL,
    author_id   BIGINT       NOT NULL,
    author_name VARCHAR(200),
    text        VARCHAR(4000),
    file_kind   VARCHAR(12),
    file_id     VARCHAR(300),
    file_name   VARCHAR(300),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX support_message_thread ON support_message (thread_id, id);

-- the notifications managers were sent about a thread: a manager replying to one of them answers that thread
CREATE TABLE support_notice (
    outbox_id  BIGINT      PRIMARY KEY,
    thread_id  BIGINT      NOT NULL REFERENCES support_thread (id),
    chat_id    BIGINT      NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX support_notice_chat ON support_notice (chat_id, outbox_id DESC);
