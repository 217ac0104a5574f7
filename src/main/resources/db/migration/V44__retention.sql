-- personal data retention and the CRM replay window (issue 11)

-- outbox: when a message was finished with (sent, given up, dropped), so old rows can be pruned; delivered and given-up
-- rows keep only their metadata (chat, kind, times, Telegram message id, attempts, outcome), not what was said
ALTER TABLE outbox ADD COLUMN done_at TIMESTAMPTZ;
UPDATE outbox SET done_at = coalesce(sent_at, not_before, created_at),
                  payload = jsonb_strip_nulls(jsonb_build_object('type', payload->'type', 'store', payload->'store',
                                                                 'key', payload->'key'))
WHERE status NOT IN ('PENDING', 'SENDING');
CREATE INDEX outbox_done ON outbox (done_at) WHERE done_at IS NOT NULL;

-- crm out: a delivered row drops its payload (a client's name and phone); rows are pruned after the retention
ALTER TABLE crm_delivery ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE crm_delivery ADD COLUMN done_at TIMESTAMPTZ;
UPDATE crm_delivery SET done_at = coalesce(delivered_at, next_attempt_at, created_at) WHERE status IN ('DELIVERED', 'FAILED');
UPDATE crm_delivery SET payload = NULL WHERE status = 'DELIVERED';
CREATE INDEX crm_delivery_done ON crm_delivery (done_at) WHERE done_at IS NOT NULL;

-- crm in: every authenticated event id is remembered with its outcome, applied or refused, so a replay never applies
-- it later; refusals keep the answer they got (status code, error code, reason)
ALTER TABLE crm_event ALTER COLUMN status DROP NOT NULL;
ALTER TABLE crm_event ADD COLUMN http_status INT;
ALTER TABLE crm_event ADD COLUMN error VARCHAR(32);
ALTER TABLE crm_event ADD COLUMN reason VARCHAR(500);
-- ids are per source: a CRM's event ids and the ids made for Bitrix24's events never collide
ALTER TABLE crm_event DROP CONSTRAINT crm_event_pkey;
ALTER TABLE crm_event ADD PRIMARY KEY (source, event_id);
CREATE INDEX crm_event_received ON crm_event (received_at);
