package io.partnerka.drip;

import io.partnerka.conversation.Roles;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The periodic scan: picks up edited chain files, then enrols people into the chains whose trigger is a state that
 * lasts rather than an event — an application left unfinished, a partner inactive for N days — one set-based
 * statement per chain. Paused chains enrol nobody (the state still holds when they are resumed).
 */
@Component
class Scanner {

    private final Chains chains;
    private final ProgramData data;
    private final JdbcClient jdbc;
    private final Roles roles;
    private final DripClock clock;
    private final DripProperties properties;

    Scanner(Chains chains, ProgramData data, JdbcClient jdbc, Roles roles, DripClock clock, DripProperties properties) {
        this.chains = chains;
        this.data = data;
        this.jdbc = jdbc;
        this.roles = roles;
        this.clock = clock;
        this.properties = properties;
    }

    /** Returns how many people entered a chain. */
    int scan() {
        chains.reload();
        Instant now = clock.instant();
        Set<String> paused = jdbc.sql("SELECT chain_id FROM drip_chain_state WHERE paused").query(String.class).list()
                .stream().collect(Collectors.toSet());
        Long[] managers = roles.managerIds().toArray(Long[]::new);
        int enrolled = 0;
        for (Chain chain : chains.all()) {
            if (paused.contains(chain.id())) continue;
            if (Drips.APPLICATION_UNFINISHED.equals(chain.trigger())) {
                enrolled += data.enrolUnfinishedApplications(chain, now, managers);
            } else if (Drips.INACTIVE.equals(chain.trigger())) {
                enrolled += data.enrolInactive(chain, now, properties.activityFacts().toArray(String[]::new), managers);
            }
        }
        return enrolled;
    }
}
