-- money: one row per partner, locked while their ledger is written (tiers count paid clients exactly)
CREATE TABLE money_account (
    partner_id  BIGINT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- the append-only ledger: every accrual, reversal (and later hold, release, payout) in exact decimals with a currency;
-- balances are sums over it. A signed amount: positive credits the partner.
CREATE TABLE ledger_entry (
    id               BIGSERIAL PRIMARY KEY,
    partner_id       BIGINT         NOT NULL REFERENCES money_account (partner_id),
    type             VARCHAR(24)    NOT NULL,
    amount           NUMERIC(19, 2) NOT NULL,
    currency         CHAR(3)        NOT NULL,
    deal_id          BIGINT,
    base_amount      NUMERIC(19, 2),
    rate             NUMERIC(5, 2),
    tier             VARCHAR(16),
    reverses         BIGINT UNIQUE REFERENCES ledger_entry (id),
    -- what makes an entry happen once: "commission:deal:<id>:<n>", "reversal:<entry id>"
    idempotency_key  VARCHAR(100)   NOT NULL UNIQUE,
    created_at       TIMESTAMPTZ    NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entry_partner ON ledger_entry (partner_id, currency, created_at);
CREATE INDEX ledger_entry_deal ON ledger_entry (deal_id) WHERE deal_id IS NOT NULL;

-- history is never edited: a correction is a new entry
CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entry is append-only: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();
