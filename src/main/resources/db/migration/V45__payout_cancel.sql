-- an approved payout can be cancelled (a bounced bank transfer): the hold is given back by a new ledger entry
-- (PAYOUT_CANCEL), the reason is kept for the partner, the managers and the accounting export
ALTER TABLE payout ADD COLUMN cancelled_at  TIMESTAMPTZ;
ALTER TABLE payout ADD COLUMN cancel_reason VARCHAR(1000);
