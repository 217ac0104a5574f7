package io.partnerka.training;

import java.time.Instant;

/**
 * Where a partner is in one course (for the partner card and other modules).
 *
 * @param attempts        finished quiz attempts
 * @param bestScore       best quiz score in percent, null before the first finished attempt
 * @param certificateCode the verification code once passed, else null
 */
public record CourseStatus(String courseId, String title, boolean mandatory, State state, int lessonsRead, int lessons,
                           int attempts, Integer bestScore, Instant passedAt, String certificateCode) {

    public enum State {
        NOT_STARTED,
        /** reading the lessons */
        READING,
        /** every lesson read, the test not finished yet */
        READY_FOR_TEST,
        /** tried the test and has not passed it yet */
        FAILED,
        PASSED
    }

    public boolean isPassed() {
        return state == State.PASSED;
    }
}
