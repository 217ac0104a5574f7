-- admin: the back office's own identities and the admin login generated on a first start without configured users

-- every back-office user (and API token) not linked to a Telegram id gets a stable negative actor id, so audit rows
-- and approval decisions stay attributable after a rename in the configuration
CREATE TABLE admin_identity (
    username    VARCHAR(120) PRIMARY KEY,
    actor_id    BIGINT       NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE SEQUENCE admin_actor_id;

-- the password made up on a first start when partnerka.admin.users is empty (only its bcrypt hash is kept; the
-- password itself is printed to the log once, by the instance that created this row)
CREATE TABLE admin_generated_login (
    username       VARCHAR(120) PRIMARY KEY,
    password_hash  VARCHAR(100) NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
