package io.partnerka.drip;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated drip chain: who enters it (trigger, partner types, segments), when it stops, and its steps. Read from
 * {@code messages/drip/<id>.yml}; see {@link ChainParser} for the file format.
 *
 * @param after        for the scanned triggers ({@code inactive}, {@code application-unfinished}): how long the
 *                     state must last before the person enters
 * @param onlyApproved the person must be an approved partner (else the chain stops as "left the segment")
 */
record Chain(String id, String file, String trigger, Duration after, boolean onlyApproved, Set<String> partnerTypes,
             Set<String> segments, List<String> stopWhen, List<Step> steps) {

    /** One message: after {@code delay} (from the previous step, or from entering), a text and one button. */
    record Step(String id, Duration delay, Map<String, String> text, Map<String, String> label, Target target,
                List<String> skipIf) {
    }

    Step first() {
        return steps.get(0);
    }

    Step step(String stepId) {
        if (stepId == null) return null;
        for (Step s : steps) { // once per due person: a loop, no stream
            if (s.id().equals(stepId)) return s;
        }
        return null;
    }

    /** The step after {@code stepId}; null at the end or when that step is no longer in the file. */
    Step after(String stepId) {
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i).id().equals(stepId)) return steps.get(i + 1);
        }
        return null;
    }

    /** Whether a partner of this type and segment belongs to the chain's audience (no partner: only if unfiltered). */
    boolean admits(String type, String segment) {
        if (!partnerTypes.isEmpty() && (type == null || !partnerTypes.contains(type))) return false;
        return segments.isEmpty() || segment != null && segments.contains(segment);
    }
}
