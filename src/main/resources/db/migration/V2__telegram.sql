-- telegram: every update is written here before the poller confirms it to Telegram (or before the webhook answers
-- 200), then processed per chat in update_id order; update_id as the key makes a redelivered update a no-op.
CREATE TABLE telegram_inbox (
    update_id    BIGINT PRIMARY KEY,
    chat_id      BIGINT,                -- the private chat it belongs to; NULL for updates the bot ignores
    payload      JSONB       NOT NULL,  -- the Update as Telegram JSON
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at TIMESTAMPTZ,
    lease_until  TIMESTAMPTZ,           -- claimed by a worker (or backing off after a failure) until then
    attempts     INT         NOT NULL DEFAULT 0,
    last_error   VARCHAR(500)
);
-- what is left to do, per chat in order
CREATE INDEX telegram_inbox_open ON telegram_inbox (chat_id, update_id) WHERE processed_at IS NULL;
-- housekeeping of old processed rows
CREATE INDEX telegram_inbox_processed ON telegram_inbox (processed_at) WHERE processed_at IS NOT NULL;

-- update ids for updates made by the app itself (the sandbox): never reused, across restarts too, so the inbox
-- never mistakes a new one for a redelivery
CREATE SEQUENCE telegram_local_update_id;
