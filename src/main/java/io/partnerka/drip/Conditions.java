package io.partnerka.drip;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Answers a chain's {@code skip-if} and {@code stop-when} by name, in this order: a {@link DripCondition} bean of
 * that name; a built-in ({@code applied}, {@code approved}, {@code active-again}, {@code clicked:<step>}); else a fact
 * reported through {@link Drips#trigger} (e.g. {@code first-client}) — which is how modules written later plug in
 * without a bean.
 */
@Component
class Conditions {

    static final String CLICKED_PREFIX = "clicked:";
    /** applied: the form and prescoring are done; approved: an approved partner; active-again: activity since entering. */
    static final Set<String> BUILT_IN = Set.of("applied", "approved", "active-again");

    private final ObjectProvider<DripCondition> beans;
    private final JdbcClient jdbc;
    private final List<String> activityFacts;
    private volatile Map<String, DripCondition> byName;

    Conditions(ObjectProvider<DripCondition> beans, JdbcClient jdbc, DripProperties properties) {
        this.beans = beans;
        this.jdbc = jdbc;
        this.activityFacts = properties.activityFacts();
    }

    /** What the dispatcher knows about one enrolment while checking it. */
    record Case(long userId, long enrollmentId, Instant enrolled, Subject subject, Map<String, Instant> facts) {
    }

    /** The first condition of {@code names} that holds, if any. */
    Optional<String> firstHolding(List<String> names, Case c) {
        for (String name : names) {
            if (holds(name, c)) return Optional.of(name);
        }
        return Optional.empty();
    }

    private Map<String, DripCondition> byName() {
        Map<String, DripCondition> m = byName;
        if (m == null) {
            m = new java.util.HashMap<>();
            for (DripCondition b : beans.orderedStream().toList()) m.putIfAbsent(b.name(), b);
            byName = m;
        }
        return m;
    }

    boolean holds(String name, Case c) {
        DripCondition bean = byName().get(name);
        if (bean != null) return bean.holds(c.userId(), c.enrolled());
        if (name.startsWith(CLICKED_PREFIX)) {
            return jdbc.sql("SELECT EXISTS (SELECT 1 FROM drip_send WHERE enrollment_id = ? AND step_id = ? AND clicked_at IS NOT NULL)")
                    .params(c.enrollmentId(), name.substring(CLICKED_PREFIX.length())).query(Boolean.class).single();
        }
        Subject s = c.subject();
        return switch (name) {
            case "approved" -> s != null && s.isApprovedPartner();
            case "applied" -> s != null && s.partnerStatus() != null && switch (s.partnerStatus()) {
                case "PENDING_REVIEW", "APPROVED", "BLOCKED" -> true;
                case "REJECTED" -> s.decidedAt() != null && s.decidedAt().isAfter(c.enrolled());
                default -> false;
            };
            case "active-again" -> activityFacts.stream().map(c.facts()::get)
                    .anyMatch(at -> at != null && at.isAfter(c.enrolled()));
            default -> c.facts().containsKey(name);
        };
    }
}
