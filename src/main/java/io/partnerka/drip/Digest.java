package io.partnerka.drip;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.Roles;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The managers' daily digest: one message per manager with the lines every {@link DigestSource} contributes;
 * nothing when no source has anything to say. Once per day whichever instance the cron trigger fires on.
 */
@Component
class Digest {

    private final ObjectProvider<DigestSource> sources;
    private final Roles roles;
    private final Notifier notifier;
    private final JdbcClient jdbc;
    private final DripClock clock;
    private final Formats formats;

    Digest(ObjectProvider<DigestSource> sources, Roles roles, Notifier notifier, JdbcClient jdbc, DripClock clock, Formats formats) {
        this.formats = formats;
        this.sources = sources;
        this.roles = roles;
        this.notifier = notifier;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Sends today's digest; unless {@code force}, only the first run of the day does. Returns messages sent. */
    @Transactional
    int run(boolean force) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), clock.getZone());
        int first = jdbc.sql("INSERT INTO drip_digest_run (day, ran_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING")
                .params(java.sql.Date.valueOf(day), Timestamp.from(clock.instant())).update();
        if (first == 0 && !force) return 0;
        int sent = 0;
        for (long manager : roles.managerIds()) {
            String lang = notifier.languageOf(manager);
            List<String> lines = new ArrayList<>();
            sources.orderedStream().forEach(s -> lines.addAll(s.digestLines(manager, lang, day)));
            if (lines.isEmpty()) continue;
            String header = notifier.text(manager, "drip.digest.header", Map.of("date", formats.date(day, lang)));
            notifier.send(manager, Reply.Text.of(header + "\n\n" + String.join("\n", lines)));
            sent++;
        }
        return sent;
    }
}
