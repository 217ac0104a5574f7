-- conversation: who we talk to, their language, their place in a flow (a restart never loses a half-filled form)
CREATE TABLE chat (
    chat_id          BIGINT PRIMARY KEY,
    user_id          BIGINT      NOT NULL,
    first_name       VARCHAR(256),
    username         VARCHAR(64),
    language         VARCHAR(8)  NOT NULL,
    language_chosen  BOOLEAN     NOT NULL DEFAULT FALSE,
    unreachable      BOOLEAN     NOT NULL DEFAULT FALSE,
    flow             VARCHAR(64),
    step             VARCHAR(64),
    draft            JSONB,
    version          INT         NOT NULL DEFAULT 0,
    flow_updated_at  TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- everything the bot says, written in the transaction that decided to say it, then delivered by the transport
CREATE TABLE outbox (
    id                  BIGSERIAL PRIMARY KEY,
    chat_id             BIGINT      NOT NULL,
    payload             JSONB       NOT NULL,
    status              VARCHAR(16) NOT NULL DEFAULT 'PENDING',
    attempts            INT         NOT NULL DEFAULT 0,
    not_before          TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until         TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at             TIMESTAMPTZ,
    telegram_message_id INT,
    last_error          VARCHAR(500)
);
CREATE INDEX outbox_open ON outbox (chat_id, id) WHERE status IN ('PENDING', 'SENDING');
CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status = 'PENDING';

-- secrets the app makes for itself on first start (e.g. the key that signs inline buttons), shared by all instances
CREATE TABLE app_secret (
    name       VARCHAR(64) PRIMARY KEY,
    value      VARCHAR(256) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
