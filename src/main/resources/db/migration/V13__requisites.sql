-- requisites: where a partner's payouts go. Every version is kept; a manager approves each one; payouts use the
-- newest approved version. The account (IBAN, account number, card number or payment e-mail) is stored encrypted
-- (AES-GCM) with a masked copy for screens and an HMAC fingerprint to tell whether it changed.
CREATE TABLE requisites (
    id                   BIGSERIAL PRIMARY KEY,
    partner_id           BIGINT        NOT NULL,
    version              INT           NOT NULL,
    method               VARCHAR(16)   NOT NULL,
    account_cipher       TEXT          NOT NULL,
    account_masked       VARCHAR(64)   NOT NULL,
    account_fingerprint  VARCHAR(64)   NOT NULL,
    bank_code            VARCHAR(16),
    legal_name           VARCHAR(200)  NOT NULL,
    tax_id               VARCHAR(12),
    currency             CHAR(3)       NOT NULL,
    status               VARCHAR(16)   NOT NULL DEFAULT 'PENDING',
    created_at           TIMESTAMPTZ   NOT NULL DEFAULT now(),
    decided_at           TIMESTAMPTZ,
    reject_reason        VARCHAR(1000),
    UNIQUE (partner_id, version)
);
-- one version at a time waits for a manager
CREATE UNIQUE INDEX requisites_one_pending ON requisites (partner_id) WHERE status = 'PENDING';
CREATE INDEX requisites_approved ON requisites (partner_id, version DESC) WHERE status = 'APPROVED';
