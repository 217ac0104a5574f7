package io.partnerka.testing;

import io.partnerka.training.Training;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Passes a person's mandatory courses the quick way: a passed attempt and its certificate, as training keeps them. */
public final class TrainingShortcut {

    private TrainingShortcut() {
    }

    public static void passMandatory(JdbcClient jdbc, Training training, long user) {
        for (String course : training.missingMandatory(user)) {
            long attempt = jdbc.sql("""
                            INSERT INTO quiz_attempt (user_id, course_id, course_fingerprint, layout, status, correct, total,
                                                      score, started_at, finished_at)
                            VALUES (?, ?, 'test', '[]'::jsonb, 'PASSED', 1, 1, 100, now(), now()) RETURNING id""")
                    .params(user, course).query(Long.class).single();
            jdbc.sql("""
                            INSERT INTO certificate (code, user_id, partner_name, course_id, course_title, language, score,
                                                     attempt_id, issued_at)
                            VALUES (?, ?, 'test', ?, ?, 'ru', 100, ?, now())""")
                    .params("T" + attempt + "-" + user, user, course, course, attempt).update();
        }
    }
}
