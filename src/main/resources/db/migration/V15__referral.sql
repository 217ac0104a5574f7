-- referral: a partner's personal code (deep link https://t.me/<bot>?start=ref_<code>) and who brought whom.
CREATE TABLE referral_code (
    partner_id  BIGINT       PRIMARY KEY,
    code        VARCHAR(16)  NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- first touch wins: a partner's first application decides once (referrer null: came on their own); a later
-- application (after a rejection) or a later link never re-attributes
CREATE TABLE referral (
    referred_partner_id  BIGINT       PRIMARY KEY,
    referred_user_id     BIGINT       NOT NULL,
    referrer_partner_id  BIGINT,
    attributed_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (referred_partner_id <> referrer_partner_id)
);
CREATE INDEX referral_referrer ON referral (referrer_partner_id);
