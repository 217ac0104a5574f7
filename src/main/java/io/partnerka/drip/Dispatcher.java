package io.partnerka.drip;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.HtmlUtils;

/**
 * Sends due drip steps. One transaction per batch: claim due enrolments ({@code FOR UPDATE SKIP LOCKED}, so
 * several instances and threads share the work and never take the same row), check stop and skip conditions, write
 * the message to the outbox, log the step, move the enrolment on. A crash rolls the whole batch back: nothing is
 * half-sent, nothing is sent twice.
 */
@Component
class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Chains chains;
    private final Conditions conditions;
    private final ProgramData data;
    private final Notifier notifier;
    private final Outbox outbox;
    private final Messages messages;
    private final DripClock clock;
    private final QuietHours quiet;
    private final DripProperties.Dispatch settings;
    private final Counter sentCounter;
    private final Counter skippedCounter;
    private final Counter stoppedCounter;
    private final Counter dueCounter;

    Dispatcher(JdbcClient jdbc, PlatformTransactionManager transactions, Chains chains, Conditions conditions,
               ProgramData data, Notifier notifier, Outbox outbox, Messages messages, DripClock clock, QuietHours quiet,
               DripProperties properties, MeterRegistry meters) {
        this.sentCounter = meters.counter("partnerka.drip.steps", "outcome", "sent");
        this.skippedCounter = meters.counter("partnerka.drip.steps", "outcome", "skipped");
        this.stoppedCounter = meters.counter("partnerka.drip.steps", "outcome", "stopped");
        this.dueCounter = Counter.builder("partnerka.drip.due").description("Due drip steps claimed by a dispatcher run")
                .register(meters);
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.chains = chains;
        this.conditions = conditions;
        this.data = data;
        this.notifier = notifier;
        this.outbox = outbox;
        this.messages = messages;
        this.clock = clock;
        this.quiet = quiet;
        this.settings = properties.dispatch();
    }

    /** What one run did. */
    record Outcome(int claimed, int sent, int skipped, int stopped, int finished) {
        static final Outcome NONE = new Outcome(0, 0, 0, 0, 0);

        Outcome plus(Outcome o) {
            return new Outcome(claimed + o.claimed, sent + o.sent, skipped + o.skipped, stopped + o.stopped, finished + o.finished);
        }
    }

    /** Works through due steps until none is left, {@code maxRun} is over, quiet hours begin or the outbox is full. */
    Outcome runDue(Duration maxRun) {
        long deadline = System.nanoTime() + maxRun.toNanos();
        Outcome total = Outcome.NONE;
        while (System.nanoTime() < deadline) {
            if (quiet.isQuiet(clock.instant())) break;
            if (settings.maxOutboxBacklog() > 0 && data.outboxBacklog() > settings.maxOutboxBacklog()) {
                log.debug("Outbox backlog above {}, drip waits", settings.maxOutboxBacklog());
                break;
            }
            Outcome batch = dispatchBatch(settings.batchSize());
            total = total.plus(batch);
            if (batch.claimed() == 0) break;
        }
        if (total.claimed() > 0) {
            log.info("Drip: {} due steps, {} sent, {} skipped, {} stopped, {} finished", total.claimed(), total.sent(),
                    total.skipped(), total.stopped(), total.finished());
        }
        return total;
    }

    /** Claims and handles up to {@code max} due enrolments in one transaction of its own. */
    Outcome dispatchBatch(int max) {
        Outcome out = tx.execute(status -> batch(max));
        return out == null ? Outcome.NONE : out;
    }

    private record Row(long id, long userId, long chatId, String chainId, String nextStep, String lastStep, Instant enrolled) {
    }

    /** The new state of an enrolment and the log line of what happened to it. */
    private record Change(long id, String status, String nextStep, String lastStep, Instant dueAt, String reason) {
    }

    private record Logged(long id, long enrollmentId, long userId, long chatId, String chainId, String stepId,
                          String outcome, String reason, String action, Long outboxId) {
    }

    private Outcome batch(int max) {
        Instant now = clock.instant();
        if (quiet.isQuiet(now)) return Outcome.NONE;
        String[] paused = jdbc.sql("SELECT chain_id FROM drip_chain_state WHERE paused").query(String.class).list()
                .toArray(String[]::new);
        List<Row> rows = jdbc.sql("""
                        SELECT id, user_id, chat_id, chain_id, next_step, last_step, enrolled_at FROM drip_enrollment
                        WHERE status = 'ACTIVE' AND due_at <= ? AND chain_id <> ALL(?)
                        ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED""")
                .params(Timestamp.from(now), paused, max)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getTimestamp(7).toInstant()))
                .list();
        if (rows.isEmpty()) return Outcome.NONE;

        Map<Long, Subject> subjects = data.subjects(rows.stream().map(Row::chatId).distinct().toList());
        Map<Long, Map<String, Instant>> facts = facts(rows.stream().map(Row::userId).distinct().toArray(Long[]::new));
        List<Long> ids = jdbc.sql("SELECT nextval('drip_send_id_seq') FROM generate_series(1, ?)").param(rows.size())
                .query(Long.class).list();
        List<Change> changes = new ArrayList<>(rows.size());
        List<Logged> logged = new ArrayList<>(rows.size());
        List<Outbox.OutgoingMessage> outgoing = new ArrayList<>(rows.size());
        List<Integer> sentAt = new ArrayList<>(rows.size());
        int sent = 0, skipped = 0, stopped = 0, finished = 0;
        Map<Chain.Step, Map<String, Optional<Outbox.Template>>> templates = new IdentityHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            long sendId = ids.get(i);
            Optional<Chain> chain = chains.get(row.chainId());
            Subject subject = subjects.get(row.chatId());
            String stop = chain.isEmpty() ? "chain-removed" : stopReason(chain.get(), row, subject, facts);
            if (stop != null) {
                changes.add(new Change(row.id(), "STOPPED", row.nextStep(), row.lastStep(), null, stop));
                logged.add(new Logged(sendId, row.id(), row.userId(), row.chatId(), row.chainId(),
                        row.nextStep() == null ? "-" : row.nextStep(), "STOPPED", stop, null, null));
                stopped++;
                continue;
            }
            Chain c = chain.get();
            Chain.Step step = current(c, row);
            if (step == null) {
                changes.add(new Change(row.id(), "DONE", null, row.lastStep(), null, null));
                finished++;
                continue;
            }
            Optional<String> skip = conditions.firstHolding(step.skipIf(), caseOf(row, subject, facts));
            if (skip.isEmpty()) {
                outgoing.add(render(templates, step, subject, sendId));
                sentAt.add(logged.size());
                sent++;
            } else {
                skipped++;
            }
            logged.add(new Logged(sendId, row.id(), row.userId(), row.chatId(), c.id(), step.id(),
                    skip.isEmpty() ? "SENT" : "SKIPPED", skip.orElse(null), step.target().encode(), null));
            Chain.Step next = c.after(step.id());
            if (next == null) {
                changes.add(new Change(row.id(), "DONE", null, step.id(), null, null));
                finished++;
            } else {
                changes.add(new Change(row.id(), "ACTIVE", next.id(), step.id(), now.plus(next.delay()), null));
            }
        }
        // one INSERT for the whole batch's messages (one per message was most of the dispatcher's time)
        List<Long> outboxIds = notifier.sendAll(outgoing);
        for (int k = 0; k < outboxIds.size(); k++) {
            Logged l = logged.get(sentAt.get(k));
            logged.set(sentAt.get(k), new Logged(l.id(), l.enrollmentId(), l.userId(), l.chatId(), l.chainId(), l.stepId(),
                    l.outcome(), l.reason(), l.action(), outboxIds.get(k)));
        }
        write(changes, logged, now);
        // counted after the batch's work, before its commit: a rolled-back batch over-counts, never under-counts
        sentCounter.increment(sent);
        skippedCounter.increment(skipped);
        stoppedCounter.increment(stopped);
        dueCounter.increment(rows.size());
        return new Outcome(rows.size(), sent, skipped, stopped, finished);
    }

    /** Why the chain ends for this person, or null: unreachable, no longer in the audience, or a stop condition. */
    private String stopReason(Chain chain, Row row, Subject subject, Map<Long, Map<String, Instant>> facts) {
        if (subject == null) return "no-chat";
        if (subject.unreachable()) return "unreachable";
        if (chain.onlyApproved() && !subject.isApprovedPartner()) return "left-segment";
        if ((!chain.partnerTypes().isEmpty() || !chain.segments().isEmpty()) && !chain.admits(subject.type(), subject.segment())) {
            return "left-segment";
        }
        return conditions.firstHolding(chain.stopWhen(), caseOf(row, subject, facts)).map(c -> "stop-when:" + c).orElse(null);
    }

    private Conditions.Case caseOf(Row row, Subject subject, Map<Long, Map<String, Instant>> facts) {
        return new Conditions.Case(row.userId(), row.id(), row.enrolled(), subject, facts.getOrDefault(row.userId(), Map.of()));
    }

    /**
     * The step to handle now: the enrolment's next step as the file says today; if that step was removed, the one
     * after the last step handled; a chain that lost everything after the last step is finished.
     */
    private static Chain.Step current(Chain chain, Row row) {
        Chain.Step step = chain.step(row.nextStep());
        if (step != null) return step;
        if (row.lastStep() == null) return chain.first();
        return chain.after(row.lastStep());
    }

    /** The step's text in the person's language and its one button (a signed "drip:<send id>", or a link). */
    private Outbox.OutgoingMessage render(Map<Chain.Step, Map<String, Optional<Outbox.Template>>> templates, Chain.Step step,
                                          Subject subject, long sendId) {
        String lang = subject.language() != null && step.text().containsKey(subject.language())
                ? subject.language() : messages.defaultLanguage();
        if (!step.text().containsKey(lang)) lang = step.text().keySet().iterator().next();
        String label = step.label().get(lang);
        String name = HtmlUtils.htmlEscape(subject.displayName());
        boolean link = step.target().kind() == Target.Kind.URL;
        String callback = link ? null : notifier.button(subject.chatId(), label, DripClickAction.PREFIX + ":" + sendId).callbackData();
        // the step's JSON written once per batch and language; per person only the name and the signed button go in
        String language = lang;
        Optional<Outbox.Template> template = templates.computeIfAbsent(step, s -> new HashMap<>()).computeIfAbsent(lang,
                l -> Optional.ofNullable(outbox.template(reply(step, language, NAME, link ? null : CALLBACK), NAME, CALLBACK)));
        if (template.isPresent()) return new Outbox.OutgoingMessage(subject.chatId(), template.get().fill(name, callback));
        return new Outbox.OutgoingMessage(subject.chatId(), reply(step, lang, name, callback));
    }

    /** Placeholders of the per-person parts of a step's JSON (private-use characters, never in a chain file). */
    private static final String NAME = "\uE000name\uE001", CALLBACK = "\uE000callback\uE001";

    private static Reply.Text reply(Chain.Step step, String lang, String escapedName, String callback) {
        String label = step.label().get(lang);
        Button button = callback == null ? Button.url(label, step.target().value()) : new Button(label, callback, null);
        return Reply.Text.of(step.text().get(lang).replace("{name}", escapedName)).withButtons(List.of(List.of(button)));
    }

    private Map<Long, Map<String, Instant>> facts(Long[] userIds) {
        Map<Long, Map<String, Instant>> out = new HashMap<>();
        jdbc.sql("SELECT user_id, name, last_at FROM drip_fact WHERE user_id = ANY(?)").param(userIds)
                .query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getString(2), rs.getTimestamp(3).toInstant());
                });
        return out;
    }

    /** Logs the batch's steps and moves its enrolments on: one statement (a data-modifying CTE), one round trip. */
    private void write(List<Change> changes, List<Logged> logged, Instant now) {
        jdbc.sql("""
                        WITH logged AS (
                            INSERT INTO drip_send (id, enrollment_id, user_id, chat_id, chain_id, step_id, outcome, reason, action,
                                                   outbox_id, at)
                            SELECT l.*, ?::timestamptz FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::varchar[],
                                                      ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[]) AS l)
                        UPDATE drip_enrollment e SET status = u.status, next_step = u.next_step, last_step = u.last_step,
                               due_at = CASE WHEN u.due_ms IS NULL THEN NULL ELSE to_timestamp(u.due_ms / 1000.0) END,
                               stop_reason = u.reason, updated_at = ?
                        FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[], ?::varchar[])
                             AS u(id, status, next_step, last_step, due_ms, reason)
                        WHERE e.id = u.id""")
                .params(Timestamp.from(now),
                        logged.stream().map(Logged::id).toArray(Long[]::new),
                        logged.stream().map(Logged::enrollmentId).toArray(Long[]::new),
                        logged.stream().map(Logged::userId).toArray(Long[]::new),
                        logged.stream().map(Logged::chatId).toArray(Long[]::new),
                        logged.stream().map(Logged::chainId).toArray(String[]::new),
                        logged.stream().map(Logged::stepId).toArray(String[]::new),
                        logged.stream().map(Logged::outcome).toArray(String[]::new),
                        logged.stream().map(Logged::reason).toArray(String[]::new),
                        logged.stream().map(Logged::action).toArray(String[]::new),
                        logged.stream().map(Logged::outboxId).toArray(Long[]::new),
                        Timestamp.from(now),
                        changes.stream().map(Change::id).toArray(Long[]::new),
                        changes.stream().map(Change::status).toArray(String[]::new),
                        changes.stream().map(Change::nextStep).toArray(String[]::new),
                        changes.stream().map(Change::lastStep).toArray(String[]::new),
                        changes.stream().map(c -> c.dueAt() == null ? null : c.dueAt().toEpochMilli()).toArray(Long[]::new),
                        changes.stream().map(Change::reason).toArray(String[]::new))
                .update();
    }
}
