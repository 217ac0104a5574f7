-- crm in: every accepted event id, written in the transaction that applied it (a replay changes nothing)
CREATE TABLE crm_event (
    event_id     VARCHAR(100) PRIMARY KEY,
    source       VARCHAR(16)  NOT NULL,
    deal_id      BIGINT,
    status       VARCHAR(24)  NOT NULL,
    result       VARCHAR(16)  NOT NULL,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- crm out: durable deliveries (signed webhooks, Bitrix24 REST calls), written with the change that caused them,
-- sent by a scheduled sender with retries and backoff; a crashed sender's claims come back when the lease expires
CREATE TABLE crm_delivery (
    id               BIGSERIAL PRIMARY KEY,
    target           VARCHAR(16)   NOT NULL,
    event_type       VARCHAR(64)   NOT NULL,
    event_id         UUID          NOT NULL,
    deal_id          BIGINT,
    payload          TEXT          NOT NULL,
    status           VARCHAR(16)   NOT NULL DEFAULT 'PENDING',
    attempts         INT           NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    lease_until      TIMESTAMPTZ,
    last_error       VARCHAR(500),
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    delivered_at     TIMESTAMPTZ,
    UNIQUE (target, event_id)
);
CREATE INDEX crm_delivery_due ON crm_delivery (next_attempt_at, id) WHERE status IN ('PENDING', 'SENDING');
