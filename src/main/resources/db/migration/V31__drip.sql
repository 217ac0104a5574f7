-- drip: a partner's place in a chain is a row; a few periodic jobs claim due rows (FOR UPDATE SKIP LOCKED)

-- one row per person and chain occurrence ("once", or "since:<epoch>" for a stay of inactivity)
CREATE TABLE drip_enrollment (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT       NOT NULL,
    chat_id      BIGINT       NOT NULL,
    chain_id     VARCHAR(64)  NOT NULL,
    occurrence   VARCHAR(64)  NOT NULL,
    trigger_name VARCHAR(64)  NOT NULL,
    status       VARCHAR(16)  NOT NULL DEFAULT 'ACTIVE',
    next_step    VARCHAR(64),
    last_step    VARCHAR(64),
    due_at       TIMESTAMPTZ,
    enrolled_at  TIMESTAMPTZ  NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL,
    stop_reason  VARCHAR(80),
    UNIQUE (user_id, chain_id, occurrence)
);
CREATE INDEX drip_enrollment_due ON drip_enrollment (due_at) WHERE status = 'ACTIVE';
CREATE INDEX drip_enrollment_chain ON drip_enrollment (chain_id, status);

-- every step a person passed: sent (with the outbox row and the button's action), skipped, or where the chain stopped
CREATE TABLE drip_send (
    id            BIGSERIAL PRIMARY KEY,
    enrollment_id BIGINT       NOT NULL REFERENCES drip_enrollment (id),
    user_id       BIGINT       NOT NULL,
    chat_id       BIGINT       NOT NULL,
    chain_id      VARCHAR(64)  NOT NULL,
    step_id       VARCHAR(64)  NOT NULL,
    outcome       VARCHAR(16)  NOT NULL,
    reason        VARCHAR(80),
    action        VARCHAR(300),
    outbox_id     BIGINT,
    at            TIMESTAMPTZ  NOT NULL,
    clicked_at    TIMESTAMPTZ,
    clicks        INT          NOT NULL DEFAULT 0
);
CREATE INDEX drip_send_user ON drip_send (user_id, id);
CREATE INDEX drip_send_enrollment ON drip_send (enrollment_id);
CREATE INDEX drip_send_chain_at ON drip_send (chain_id, at);

-- what a person did, as other modules report it (Drips.trigger): first and last time, how often
CREATE TABLE drip_fact (
    user_id  BIGINT       NOT NULL,
    name     VARCHAR(64)  NOT NULL,
    first_at TIMESTAMPTZ  NOT NULL,
    last_at  TIMESTAMPTZ  NOT NULL,
    times    INT          NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, name)
);
CREATE INDEX drip_fact_name ON drip_fact (name, user_id);

-- chains an operator paused (absent = running)
CREATE TABLE drip_chain_state (
    chain_id    VARCHAR(64) PRIMARY KEY,
    paused      BOOLEAN      NOT NULL,
    changed_by  BIGINT,
    changed_at  TIMESTAMPTZ  NOT NULL
);

-- items waiting for a manager that were already reminded (so a reminder repeats only after a while)
CREATE TABLE drip_reminder (
    item_id          BIGINT PRIMARY KEY,
    last_reminded_at TIMESTAMPTZ NOT NULL,
    times            INT         NOT NULL DEFAULT 1
);

-- the daily digest goes out once per day, whichever instance fires it
CREATE TABLE drip_digest_run (
    day    DATE PRIMARY KEY,
    ran_at TIMESTAMPTZ NOT NULL
);
