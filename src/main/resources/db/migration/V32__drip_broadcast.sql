-- broadcasts: a manager's message to an audience; recipients are rows, so a restart resumes without re-sending
CREATE TABLE drip_broadcast (
    id                 BIGSERIAL PRIMARY KEY,
    created_by         BIGINT        NOT NULL,
    audience           VARCHAR(80)   NOT NULL,
    text               TEXT          NOT NULL,
    rsvp               BOOLEAN       NOT NULL,
    status             VARCHAR(16)   NOT NULL DEFAULT 'DRAFT',
    total              INT           NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ   NOT NULL,
    confirmed_at       TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    progress_chat_id   BIGINT,
    progress_outbox_id BIGINT,
    progress_text      TEXT
);
CREATE INDEX drip_broadcast_open ON drip_broadcast (status) WHERE status IN ('QUEUED', 'SENDING', 'QUEUED_ALL');

CREATE TABLE drip_broadcast_recipient (
    broadcast_id BIGINT      NOT NULL REFERENCES drip_broadcast (id),
    chat_id      BIGINT      NOT NULL,
    user_id      BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL DEFAULT 'PENDING',
    outbox_id    BIGINT,
    queued_at    TIMESTAMPTZ,
    PRIMARY KEY (broadcast_id, chat_id)
);
CREATE INDEX drip_broadcast_recipient_pending ON drip_broadcast_recipient (broadcast_id) WHERE status = 'PENDING';

-- one answer per person and broadcast (they may change it)
CREATE TABLE drip_rsvp (
    broadcast_id BIGINT      NOT NULL REFERENCES drip_broadcast (id),
    user_id      BIGINT      NOT NULL,
    answer       VARCHAR(16) NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
