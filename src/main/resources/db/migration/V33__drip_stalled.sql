-- stuck deals already named in a manager's digest: once per stay in a status (a deal that moves and gets stuck again
-- has a new status_changed_at, so it is reported again)
CREATE TABLE drip_stalled_reported (
    deal_id          BIGINT      NOT NULL,
    since            TIMESTAMPTZ NOT NULL,
    manager_chat_id  BIGINT      NOT NULL,
    reported_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (deal_id, since, manager_chat_id)
);
