-- prescoring: the questionnaire answers and score of each attempt
CREATE TABLE prescoring_result (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT      NOT NULL,
    answers     JSONB       NOT NULL,
    score       INT         NOT NULL,
    outcome     VARCHAR(16) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX prescoring_result_user ON prescoring_result (user_id, id);
