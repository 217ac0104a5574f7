package io.partnerka.approval;

import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Who decided or changed what, when, with the state before and after; written in the deciding transaction. */
@Component
public class AuditLog {

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public void record(Decider actor, String action, String subject, Map<String, ?> before, Map<String, ?> after) {
        jdbc.sql("INSERT INTO audit_log (actor_id, actor_name, channel, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")
                .params(actor.userId(), actor.name(), actor.channel(), action, subject,
                        before == null ? null : json.writeValueAsString(before),
                        after == null ? null : json.writeValueAsString(after))
                .update();
    }
}
