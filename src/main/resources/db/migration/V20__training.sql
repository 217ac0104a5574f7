-- training: how far each partner read a course, quiz attempts and answers, certificates

CREATE TABLE training_progress (
    user_id      BIGINT      NOT NULL,
    course_id    VARCHAR(40) NOT NULL,
    lessons_read INT         NOT NULL DEFAULT 0,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, course_id)
);

-- one attempt at a course's quiz; layout keeps the order the options were shown in (shuffled per attempt)
CREATE TABLE quiz_attempt (
    id                 BIGSERIAL PRIMARY KEY,
    user_id            BIGINT      NOT NULL,
    course_id          VARCHAR(40) NOT NULL,
    course_fingerprint VARCHAR(64) NOT NULL,
    layout             JSONB       NOT NULL,
    current_question   INT         NOT NULL DEFAULT 0,
    selection          VARCHAR(64) NOT NULL DEFAULT '',
    status             VARCHAR(12) NOT NULL DEFAULT 'OPEN',
    correct            INT,
    total              INT         NOT NULL,
    score              INT,
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ
);
-- at most one open attempt per partner and course: two taps on "Take the test" make one attempt
CREATE UNIQUE INDEX quiz_attempt_one_open ON quiz_attempt (user_id, course_id) WHERE status = 'OPEN';
CREATE INDEX quiz_attempt_course ON quiz_attempt (course_id, status);

CREATE TABLE quiz_answer (
    attempt_id  BIGINT      NOT NULL REFERENCES quiz_attempt (id),
    question    INT         NOT NULL,
    chosen      VARCHAR(64) NOT NULL,
    correct     BOOLEAN     NOT NULL,
    answered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, question)
);

-- what a certificate says is frozen at issue: the public page shows it even if the course is renamed later
CREATE TABLE certificate (
    code         VARCHAR(32)  PRIMARY KEY,
    user_id      BIGINT       NOT NULL,
    partner_id   BIGINT,
    partner_name VARCHAR(200) NOT NULL,
    course_id    VARCHAR(40)  NOT NULL,
    course_title VARCHAR(200) NOT NULL,
    language     VARCHAR(8)   NOT NULL,
    score        INT          NOT NULL,
    attempt_id   BIGINT       NOT NULL UNIQUE REFERENCES quiz_attempt (id),
    issued_at    TIMESTAMPTZ  NOT NULL,
    revoked_at   TIMESTAMPTZ,
    UNIQUE (user_id, course_id)
);
