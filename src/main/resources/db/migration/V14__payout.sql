-- payouts: a request holds funds in the ledger (an entry, so available = sum of entries), a manager approves it
-- (queued for payment), marks it paid (the hold is settled and the payout booked) or rejects it (the hold released).
ALTER TABLE ledger_entry ADD COLUMN payout_id BIGINT;
ALTER TABLE ledger_entry ADD COLUMN source_entry_id BIGINT;
CREATE INDEX ledger_entry_payout ON ledger_entry (payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX ledger_entry_source ON ledger_entry (source_entry_id) WHERE source_entry_id IS NOT NULL;

CREATE TABLE payout (
    id                 BIGSERIAL PRIMARY KEY,
    partner_id         BIGINT          NOT NULL,
    amount             NUMERIC(19, 2)  NOT NULL CHECK (amount > 0),
    currency           CHAR(3)         NOT NULL,
    requisites_id      BIGINT          NOT NULL REFERENCES requisites (id),
    status             VARCHAR(16)     NOT NULL DEFAULT 'REQUESTED',
    -- a double tap or a repeated update carries the same key: one request
    request_key        VARCHAR(100)    NOT NULL UNIQUE,
    invoice_number     BIGINT          UNIQUE,
    invoice_pdf        BYTEA,
    period_from        TIMESTAMPTZ     NOT NULL,
    period_to          TIMESTAMPTZ     NOT NULL,
    payment_reference  VARCHAR(200),
    reject_reason      VARCHAR(1000),
    created_at         TIMESTAMPTZ     NOT NULL DEFAULT now(),
    approved_at        TIMESTAMPTZ,
    paid_at            TIMESTAMPTZ,
    rejected_at        TIMESTAMPTZ
);
CREATE INDEX payout_partner ON payout (partner_id, created_at DESC);
CREATE INDEX payout_status ON payout (status, created_at);

-- invoice numbers without gaps: the counter row is updated in the requesting transaction
CREATE TABLE invoice_counter (
    name  VARCHAR(32) PRIMARY KEY,
    last  BIGINT      NOT NULL
);
INSERT INTO invoice_counter (name, last) VALUES ('payout', 0);
