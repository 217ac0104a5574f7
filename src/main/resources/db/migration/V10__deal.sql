-- deal: a client a partner handed over (one submission = one deal), its place in the pipeline and its history
CREATE TABLE deal (
    id                 BIGSERIAL PRIMARY KEY,
    partner_id         BIGINT        NOT NULL,
    client_name        VARCHAR(120)  NOT NULL,
    client_phone       VARCHAR(20)   NOT NULL,
    product            VARCHAR(40)   NOT NULL,
    comment            VARCHAR(1000),
    status             VARCHAR(24)   NOT NULL,
    amount             NUMERIC(19, 2),
    currency           CHAR(3),
    submitted_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    status_changed_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    version            INT           NOT NULL DEFAULT 0,
    CONSTRAINT deal_amount_positive CHECK (amount IS NULL OR amount > 0),
    CONSTRAINT deal_amount_has_currency CHECK ((amount IS NULL) = (currency IS NULL))
);
-- duplicate protection looks a phone up inside the attribution window
CREATE INDEX deal_phone ON deal (client_phone, submitted_at DESC);
CREATE INDEX deal_partner ON deal (partner_id, id DESC);
CREATE INDEX deal_status ON deal (status, status_changed_at);

-- every change of a deal: who, when, from which status to which, the amount and the comment the partner reads
CREATE TABLE deal_history (
    id           BIGSERIAL PRIMARY KEY,
    deal_id      BIGINT        NOT NULL REFERENCES deal (id),
    from_status  VARCHAR(24),
    to_status    VARCHAR(24)   NOT NULL,
    amount       NUMERIC(19, 2),
    currency     CHAR(3),
    comment      VARCHAR(1000),
    source       VARCHAR(16)   NOT NULL,
    actor_id     BIGINT,
    actor_name   VARCHAR(256),
    at           TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX deal_history_deal ON deal_history (deal_id, id);

-- a deal's ids in other systems (a CRM's own id, a Bitrix24 lead or deal), each pointing to exactly one deal
CREATE TABLE deal_external_ref (
    system       VARCHAR(32)   NOT NULL,
    external_id  VARCHAR(100)  NOT NULL,
    deal_id      BIGINT        NOT NULL REFERENCES deal (id),
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (system, external_id)
);
CREATE UNIQUE INDEX deal_external_ref_deal ON deal_external_ref (system, deal_id);
