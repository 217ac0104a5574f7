-- partner: people who applied to the program, their application answers and their personal manager
CREATE TABLE partner (
    id               BIGSERIAL PRIMARY KEY,
    user_id          BIGINT       NOT NULL UNIQUE,
    chat_id          BIGINT       NOT NULL,
    status           VARCHAR(20)  NOT NULL,
    type             VARCHAR(20)  NOT NULL,
    name             VARCHAR(200) NOT NULL,
    city             VARCHAR(120) NOT NULL,
    phone            VARCHAR(20)  NOT NULL,
    email            VARCHAR(254),
    source           VARCHAR(40)  NOT NULL,
    segment          VARCHAR(40)  NOT NULL,
    language         VARCHAR(8)   NOT NULL,
    manager_id       BIGINT,
    score            INT,
    reject_reason    VARCHAR(1000),
    applied_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    decided_at       TIMESTAMPTZ,
    version          INT          NOT NULL DEFAULT 0
);
CREATE INDEX partner_status ON partner (status);
CREATE INDEX partner_manager ON partner (manager_id);

-- the first /start payload a person ever brought (ref_<code> of a referral link): first touch wins
CREATE TABLE first_touch (
    user_id    BIGINT PRIMARY KEY,
    payload    VARCHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE SEQUENCE manager_round_robin;
