package io.partnerka.training;

import io.partnerka.conversation.Localized;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One course as its file describes it: who sees it, whether it is mandatory, its lessons and its quiz. The
 * fingerprint changes whenever the file does, so an attempt started on an older version is not scored against a
 * newer one.
 */
record Course(String id, String file, int order, Localized title, Localized description, boolean mandatory,
              Set<String> segments, List<Lesson> lessons, Quiz quiz, String fingerprint) {

    /** Everyone sees a course without segments; otherwise a partner's segment or type must be listed. */
    boolean visibleTo(String segment, String type) {
        return segments.isEmpty() || segment != null && segments.contains(segment) || type != null && segments.contains(type);
    }

    record Lesson(Localized title, Localized text, String link, Localized linkTitle, String document) {
    }

    /**
     * @param passMark  percent of correctly answered questions needed to pass
     * @param attempts  how many attempts a partner has (0: unlimited)
     * @param coolDown  how long to wait after a failed attempt before the next one
     */
    record Quiz(int passMark, int attempts, Duration coolDown, List<Question> questions) {
    }

    /** A question; with {@code multiple} every correct option must be chosen and no other. */
    record Question(Localized text, boolean multiple, List<Option> options, Localized explanation) {

        Set<Integer> correct() {
            Set<Integer> out = new java.util.TreeSet<>();
            for (int i = 0; i < options.size(); i++) if (options.get(i).correct()) out.add(i);
            return out;
        }
    }

    record Option(Localized text, boolean correct) {
    }
}
