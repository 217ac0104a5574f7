package io.partnerka.prescoring;

import java.util.List;
import java.util.Map;

/**
 * {@code messages/prescoring.yml}: weighted questions; the score is the weighted share of the best possible answers,
 * 0..100. At or above {@code approveAt} an application is approved at once (when {@code autoApprove}), below
 * {@code rejectBelow} it is politely rejected with {@code rejectReason}, anything between goes to a manager.
 */
record Questionnaire(boolean autoApprove, int approveAt, int rejectBelow, Map<String, String> rejectReason,
                     List<Question> questions) {

    record Question(String id, int weight, Map<String, String> text, List<Answer> answers) {
        int best() {
            return answers.stream().mapToInt(Answer::score).max().orElse(0);
        }
    }

    record Answer(String id, int score, Map<String, String> text) {
    }

    void validate() {
        if (questions == null || questions.isEmpty()) throw new IllegalStateException("prescoring.yml: no questions");
        if (rejectBelow > approveAt) throw new IllegalStateException("prescoring.yml: reject-below is above approve-at");
        for (Question q : questions) {
            if (q.id() == null || !q.id().matches("[a-z0-9-]{1,20}")) {
                throw new IllegalStateException("prescoring.yml: question id must be 1..20 of a-z0-9-: " + q.id());
            }
            if (q.answers() == null || q.answers().size() < 2) {
                throw new IllegalStateException("prescoring.yml: question " + q.id() + " needs at least two answers");
            }
            for (Answer a : q.answers()) {
                if (a.id() == null || !a.id().matches("[a-z0-9-]{1,20}")) {
                    throw new IllegalStateException("prescoring.yml: answer id in " + q.id() + " must be 1..20 of a-z0-9-");
                }
            }
        }
    }

    /** Weighted share of the best possible answers, 0..100. */
    int score(Map<String, String> chosen) {
        double got = 0;
        double max = 0;
        for (Question q : questions) {
            max += (double) q.weight() * q.best();
            String answer = chosen.get(q.id());
            got += q.answers().stream().filter(a -> a.id().equals(answer)).mapToInt(a -> a.score() * q.weight()).findFirst().orElse(0);
        }
        return max == 0 ? 0 : (int) Math.round(got * 100 / max);
    }

    static String pick(Map<String, String> texts, String lang) {
        if (texts == null || texts.isEmpty()) return "";
        return texts.getOrDefault(lang, texts.getOrDefault("ru", texts.values().iterator().next()));
    }
}
