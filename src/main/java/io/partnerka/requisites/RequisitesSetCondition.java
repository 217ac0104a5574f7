package io.partnerka.requisites;

import io.partnerka.drip.DripCondition;
import io.partnerka.drip.Drips;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Drip chains skip "set your payout details" once a version is sent (waiting or approved). */
@Component
class RequisitesSetCondition implements DripCondition {

    private final JdbcClient jdbc;

    RequisitesSetCondition(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return Drips.REQUISITES_SET;
    }

    @Override
    public boolean holds(long userId, Instant enrolled) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM requisites r JOIN partner p ON p.id = r.partner_id
                                       WHERE p.user_id = ? AND r.status IN ('PENDING', 'APPROVED'))""")
                .param(userId).query(Boolean.class).single();
    }
}
