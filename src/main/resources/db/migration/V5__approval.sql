-- approval: one queue for everything a manager must decide
CREATE TABLE approval_item (
    id               BIGSERIAL PRIMARY KEY,
    kind             VARCHAR(32)  NOT NULL,
    subject_id       BIGINT       NOT NULL,
    status           VARCHAR(16)  NOT NULL DEFAULT 'PENDING',
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    decided_by       BIGINT,
    decided_by_name  VARCHAR(256),
    decided_at       TIMESTAMPTZ,
    reason           VARCHAR(1000)
);
CREATE INDEX approval_item_pending ON approval_item (created_at) WHERE status = 'PENDING';
CREATE UNIQUE INDEX approval_item_open_subject ON approval_item (kind, subject_id) WHERE status = 'PENDING';

-- which message showed an item to which manager, so the card can be updated once someone decides
CREATE TABLE approval_notice (
    item_id    BIGINT NOT NULL REFERENCES approval_item (id),
    chat_id    BIGINT NOT NULL,
    outbox_id  BIGINT NOT NULL,
    PRIMARY KEY (item_id, chat_id, outbox_id)
);

-- who decided or changed what, when, with the state before and after
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    actor_id    BIGINT,
    actor_name  VARCHAR(256),
    channel     VARCHAR(16)  NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    subject     VARCHAR(64)  NOT NULL,
    before      JSONB,
    after       JSONB
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
