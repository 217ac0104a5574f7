package io.partnerka.training;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Progress, attempts, answers and certificates in PostgreSQL: nothing of a partner's training lives in memory. */
@Repository
class TrainingStore {

    private static final TypeReference<List<List<Integer>>> LAYOUT = new TypeReference<>() {
    };
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    TrainingStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    enum Status { OPEN, PASSED, FAILED, ABANDONED }

    /**
     * @param layout  per question, the option indexes of the course file in the order they were shown
     * @param selection the options toggled so far on the current multiple-choice question
     */
    record Attempt(long id, long userId, String courseId, String fingerprint, List<List<Integer>> layout, int current,
                   Set<Integer> selection, Status status, Integer correct, int total, Integer score, Instant startedAt,
                   Instant finishedAt) {
    }

    record Answer(int question, Set<Integer> chosen, boolean correct) {
    }

    record CertificateRow(String code, long userId, Long partnerId, String partnerName, String courseId,
                          String courseTitle, String language, int score, long attemptId, Instant issuedAt,
                          Instant revokedAt) {
    }

    // ---- lessons --------------------------------------------------------------------------------------------

    int lessonsRead(long userId, String courseId) {
        return jdbc.sql("SELECT lessons_read FROM training_progress WHERE user_id = ? AND course_id = ?")
                .params(userId, courseId).query(Integer.class).optional().orElse(0);
    }

    Map<String, Integer> lessonsRead(long userId) {
        Map<String, Integer> out = new LinkedHashMap<>();
        jdbc.sql("SELECT course_id, lessons_read FROM training_progress WHERE user_id = ?").param(userId)
                .query((rs, n) -> out.put(rs.getString(1), rs.getInt(2))).list();
        return out;
    }

    /**
     * Records that the first {@code count} lessons were shown (progress never goes back); true when this is the first
     * lesson of the course the person ever opened.
     */
    boolean markRead(long userId, String courseId, int count) {
        return jdbc.sql("""
                        INSERT INTO training_progress (user_id, course_id, lessons_read) VALUES (?, ?, ?)
                        ON CONFLICT (user_id, course_id) DO UPDATE
                        SET lessons_read = greatest(training_progress.lessons_read, excluded.lessons_read), updated_at = now()
                        RETURNING (xmax = 0)""")
                .params(userId, courseId, count).query(Boolean.class).single();
    }

    // ---- attempts -------------------------------------------------------------------------------------------

    Optional<Attempt> openAttempt(long userId, String courseId) {
        return jdbc.sql("SELECT * FROM quiz_attempt WHERE user_id = ? AND course_id = ? AND status = 'OPEN'")
                .params(userId, courseId).query(this::toAttempt).optional();
    }

    /** The attempt, locked for this transaction (a double tap waits for the first one's outcome). */
    Optional<Attempt> lock(long attemptId) {
        return jdbc.sql("SELECT * FROM quiz_attempt WHERE id = ? FOR UPDATE").param(attemptId).query(this::toAttempt).optional();
    }

    List<Attempt> finished(long userId, String courseId) {
        return jdbc.sql("SELECT * FROM quiz_attempt WHERE user_id = ? AND course_id = ? AND status IN ('PASSED', 'FAILED') ORDER BY id")
                .params(userId, courseId).query(this::toAttempt).list();
    }

    List<Attempt> finished(long userId) {
        return jdbc.sql("SELECT * FROM quiz_attempt WHERE user_id = ? AND status IN ('PASSED', 'FAILED') ORDER BY id")
                .param(userId).query(this::toAttempt).list();
    }

    long createAttempt(long userId, String courseId, String fingerprint, List<List<Integer>> layout, Instant now) {
        return jdbc.sql("""
                        INSERT INTO quiz_attempt (user_id, course_id, course_fingerprint, layout, total, started_at)
                        VALUES (?, ?, ?, ?::jsonb, ?, ?) RETURNING id""")
                .params(userId, courseId, fingerprint, json.writeValueAsString(layout), layout.size(), Timestamp.from(now))
                .query(Long.class).single();
    }

    void select(long attemptId, Set<Integer> selection) {
        jdbc.sql("UPDATE quiz_attempt SET selection = ? WHERE id = ?").params(join(selection), attemptId).update();
    }

    /** Records the answer to the current question and moves on to the next one. */
    void answer(long attemptId, int question, Set<Integer> chosen, boolean correct) {
        jdbc.sql("INSERT INTO quiz_answer (attempt_id, question, chosen, correct) VALUES (?, ?, ?, ?)")
                .params(attemptId, question, join(chosen), correct).update();
        jdbc.sql("UPDATE quiz_attempt SET current_question = ? + 1, selection = '' WHERE id = ?")
                .params(question, attemptId).update();
    }

    List<Answer> answers(long attemptId) {
        return jdbc.sql("SELECT question, chosen, correct FROM quiz_answer WHERE attempt_id = ? ORDER BY question")
                .param(attemptId)
                .query((rs, n) -> new Answer(rs.getInt(1), split(rs.getString(2)), rs.getBoolean(3))).list();
    }

    void finish(long attemptId, Status status, int correct, int score, Instant at) {
        jdbc.sql("UPDATE quiz_attempt SET status = ?, correct = ?, score = ?, finished_at = ? WHERE id = ?")
                .params(status.name(), correct, score, Timestamp.from(at), attemptId).update();
    }

    void abandon(long attemptId, Instant at) {
        jdbc.sql("UPDATE quiz_attempt SET status = 'ABANDONED', finished_at = ? WHERE id = ?")
                .params(Timestamp.from(at), attemptId).update();
    }

    // ---- certificates ---------------------------------------------------------------------------------------

    void insertCertificate(CertificateRow c) {
        jdbc.sql("""
                        INSERT INTO certificate (code, user_id, partner_id, partner_name, course_id, course_title, language,
                                                 score, attempt_id, issued_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(c.code(), c.userId(), c.partnerId(), c.partnerName(), c.courseId(), c.courseTitle(), c.language(),
                        c.score(), c.attemptId(), Timestamp.from(c.issuedAt())).update();
    }

    Optional<CertificateRow> certificate(String code) {
        return jdbc.sql("SELECT * FROM certificate WHERE code = ?").param(code).query(this::toCertificate).optional();
    }

    Optional<CertificateRow> certificateOf(long userId, String courseId) {
        return jdbc.sql("SELECT * FROM certificate WHERE user_id = ? AND course_id = ?").params(userId, courseId)
                .query(this::toCertificate).optional();
    }

    List<CertificateRow> certificatesOf(long userId) {
        return jdbc.sql("SELECT * FROM certificate WHERE user_id = ? AND revoked_at IS NULL ORDER BY issued_at")
                .param(userId).query(this::toCertificate).list();
    }

    /** Per course: partners who started, who finished an attempt, who passed; attempts; first-try passes; mean score. */
    record CourseNumbers(String courseId, int started, int tried, int passed, int attempts, int firstTryPassed,
                         Integer averageScore) {
    }

    Map<String, CourseNumbers> numbers() {
        Map<String, CourseNumbers> out = new LinkedHashMap<>();
        jdbc.sql("""
                        WITH courses AS (
                            SELECT course_id FROM training_progress UNION SELECT course_id FROM quiz_attempt),
                        firsts AS (
                            SELECT DISTINCT ON (user_id, course_id) user_id, course_id, status FROM quiz_attempt
                            WHERE status IN ('PASSED', 'FAILED') ORDER BY user_id, course_id, id)
                        SELECT c.course_id,
                               (SELECT count(*) FROM (SELECT user_id FROM training_progress p WHERE p.course_id = c.course_id
                                                      UNION SELECT user_id FROM quiz_attempt a WHERE a.course_id = c.course_id) s),
                               (SELECT count(DISTINCT user_id) FROM quiz_attempt a WHERE a.course_id = c.course_id
                                                                 AND a.status IN ('PASSED', 'FAILED')),
                               (SELECT count(*) FROM certificate x WHERE x.course_id = c.course_id AND x.revoked_at IS NULL),
                               (SELECT count(*) FROM quiz_attempt a WHERE a.course_id = c.course_id AND a.status IN ('PASSED', 'FAILED')),
                               (SELECT count(*) FROM firsts f WHERE f.course_id = c.course_id AND f.status = 'PASSED'),
                               (SELECT round(avg(score)) FROM quiz_attempt a WHERE a.course_id = c.course_id
                                                          AND a.status IN ('PASSED', 'FAILED'))
                        FROM courses c""")
                .query((rs, n) -> {
                    int avg = rs.getInt(7);
                    boolean noAvg = rs.wasNull();
                    return out.put(rs.getString(1), new CourseNumbers(rs.getString(1), rs.getInt(2), rs.getInt(3),
                            rs.getInt(4), rs.getInt(5), rs.getInt(6), noAvg ? null : avg));
                }).list();
        return out;
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

    private Attempt toAttempt(ResultSet rs, int n) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        int correct = rs.getInt("correct");
        Integer correctOrNull = rs.wasNull() ? null : correct;
        int score = rs.getInt("score");
        Integer scoreOrNull = rs.wasNull() ? null : score;
        return new Attempt(rs.getLong("id"), rs.getLong("user_id"), rs.getString("course_id"),
                rs.getString("course_fingerprint"), json.readValue(rs.getString("layout"), LAYOUT),
                rs.getInt("current_question"), split(rs.getString("selection")), Status.valueOf(rs.getString("status")),
                correctOrNull, rs.getInt("total"), scoreOrNull, rs.getTimestamp("started_at").toInstant(),
                finished == null ? null : finished.toInstant());
    }

    private CertificateRow toCertificate(ResultSet rs, int n) throws SQLException {
        long partnerId = rs.getLong("partner_id");
        Long partner = rs.wasNull() ? null : partnerId;
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new CertificateRow(rs.getString("code"), rs.getLong("user_id"), partner, rs.getString("partner_name"),
                rs.getString("course_id"), rs.getString("course_title"), rs.getString("language"), rs.getInt("score"),
                rs.getLong("attempt_id"), rs.getTimestamp("issued_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
    }

    static String join(Set<Integer> values) {
        return values.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    static Set<Integer> split(String text) {
        Set<Integer> out = new TreeSet<>();
        if (text == null || text.isBlank()) return out;
        Arrays.stream(text.split(",")).map(String::strip).map(Integer::parseInt).forEach(out::add);
        return out;
    }
}
