package io.partnerka.drip;

import io.partnerka.conversation.Messages;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The drip module's own digest line: yesterday's drip messages and button presses, and chains on pause. */
@Component
class DripDigestLines implements DigestSource {

    private final JdbcClient jdbc;
    private final Messages messages;
    private final DripClock clock;

    DripDigestLines(JdbcClient jdbc, Messages messages, DripClock clock) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.clock = clock;
    }

    @Override
    public List<String> digestLines(long managerChatId, String language, LocalDate day) {
        Timestamp from = Timestamp.from(day.minusDays(1).atStartOfDay(clock.getZone()).toInstant());
        Timestamp to = Timestamp.from(day.atStartOfDay(clock.getZone()).toInstant());
        long[] c = jdbc.sql("""
                        SELECT count(*) FILTER (WHERE outcome = 'SENT' AND at >= ? AND at < ?),
                               count(*) FILTER (WHERE clicked_at >= ? AND clicked_at < ?)
                        FROM drip_send WHERE at >= ?::timestamptz - interval '60 days'""")
                .params(from, to, from, to, from).query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).single();
        List<String> paused = jdbc.sql("SELECT chain_id FROM drip_chain_state WHERE paused ORDER BY chain_id").query(String.class).list();
        List<String> lines = new ArrayList<>();
        if (c[0] > 0 || c[1] > 0) {
            lines.add(messages.text(language, "drip.digest.drip-line", Messages.args("sent", c[0], "clicks", c[1])));
        }
        if (!paused.isEmpty()) {
            lines.add(messages.text(language, "drip.digest.paused-line", Messages.args("chains", String.join(", ", paused))));
        }
        return lines;
    }
}
