package io.partnerka.telegram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Records updates in the inbox, then hands them to the per-chat workers. Recording is retried (blocking the caller,
 * so a poller does not confirm the batch to Telegram) while the database is unavailable; nothing here ever throws
 * into a poller, because an exception there would stop TelegramBots' polling for good.
 */
@Service
class UpdateReceiver implements TelegramUpdates {

    private static final Logger log = LoggerFactory.getLogger(UpdateReceiver.class);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /**
     * The longest the poller (or a webhook call) waits for updates processed on receipt; past it, what is not done is
     * recorded for the workers, so a slow chat or a backlog never holds up receiving for long.
     */
    private static final Duration HOLD_MAX = Duration.ofSeconds(1);

    private final Inbox inbox;
    private final InboxProcessor processor;
    private final TelegramMetrics metrics;
    /** Whether private updates are processed as they arrive, each recorded in its own work's transaction. */
    private final boolean processOnReceipt;
    /**
     * The largest batch processed on receipt, its chats spread over the workers while the poller waits. A backlog of
     * full answers (100 updates) is processed so too: at saturation that costs one statement and less CPU an update than
     * recording answers of more than eight for the workers (no claim, no content written and read back), the poller's
     * wait for the slowest chat of each answer included (docs/performance.md, change 14).
     */
    private final int onReceiptMax;
    private final Object pause = new Object();
    private volatile boolean stopping;

    @org.springframework.beans.factory.annotation.Autowired
    UpdateReceiver(Inbox inbox, InboxProcessor processor, TelegramMetrics metrics, TelegramProperties properties) {
        this(inbox, processor, metrics, properties.processOnReceipt(), Math.max(1, properties.onReceiptMax()));
    }

    UpdateReceiver(Inbox inbox, InboxProcessor processor, TelegramMetrics metrics, boolean processOnReceipt,
                   int onReceiptMax) {
        this.processOnReceipt = processOnReceipt;
        this.onReceiptMax = onReceiptMax;
        this.inbox = inbox;
        this.processor = processor;
        this.metrics = metrics;
    }

    @Override
    public void receive(List<Update> updates) {
        store(updates, null);
    }

    /**
     * Records the batch, retrying with a bounded back-off until it is written, the app shuts down, or
     * {@code maxWait} (null: no limit) has passed. True when the batch is durably recorded.
     */
    boolean store(List<Update> updates, Duration maxWait) {
        try {
            if (updates == null || updates.isEmpty()) return true;
            List<InboxProcessor.Received> received = received(updates);
            List<Inbox.Row> rows = received.stream().map(InboxProcessor.Received::row).toList();
            if (processOnReceipt && received.size() <= onReceiptMax) {
                try {
                    rows = processAtOnce(received);
                } catch (RuntimeException e) {
                    // all of them are recorded for the workers then: what was done already is skipped as recorded
                    log.error("Processing on receipt failed ({}); the batch is recorded for the workers", Failures.describe(e), e);
                }
            }
            if (rows.isEmpty()) return true;
            long deadline = maxWait == null ? Long.MAX_VALUE : System.nanoTime() + maxWait.toNanos();
            long backoff = FIRST_BACKOFF_MS;
            for (int attempt = 1; ; attempt++) {
                Inbox.Recorded recorded;
                try {
                    recorded = inbox.insert(rows);
                } catch (RuntimeException e) {
                    if (attempt == 1 && Inbox.isDataError(e)) {
                        // not an outage: something in the batch PostgreSQL refuses; that update alone is set aside
                        rows = inbox.storable(rows);
                        continue;
                    }
                    if (stopping || System.nanoTime() + backoff * 1_000_000 > deadline) {
                        log.error("Could not record {} update(s) ({}); giving up{}", rows.size(), Failures.describe(e),
                                stopping ? " because the app is shutting down" : "");
                        return false;
                    }
                    if (attempt == 1 || attempt % 10 == 0) {
                        log.warn("Could not record {} update(s) (attempt {}: {}); retrying, the poller waits meanwhile",
                                rows.size(), attempt, Failures.describe(e));
                    }
                    if (!sleep(backoff)) {
                        log.warn("Stopped before {} update(s) could be recorded; they are not confirmed, so Telegram "
                                + "delivers them again", rows.size());
                        return false;
                    }
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    continue;
                }
                metrics.received(recorded.fresh());
                if (attempt > 1) log.info("Recorded {} update(s) after {} attempts", rows.size(), attempt);
                if (recorded.fresh() < rows.size()) warnAboutReusedIds(rows);
                try {
                    processor.schedule(recorded.chats());
                } catch (RuntimeException e) {
                    log.warn("Recorded updates will be picked up by the next inbox sweep ({})", Failures.describe(e));
                }
                return true;
            }
        } catch (RuntimeException e) {
            log.error("Unexpected failure while recording updates ({})", Failures.describe(e), e);
            return false;
        }
    }

    /** A webhook post waiting to be stored with the others that arrived meanwhile. */
    private static final class Waiting {
        final Update update;
        /** TRUE or FALSE: stored or not (as {@link #store}); null: this post stores the next round. */
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();

        Waiting(Update update) {
            this.update = update;
        }
    }

    private final Object together = new Object();
    private List<Waiting> waiting = new ArrayList<>();
    private boolean storing;

    /**
     * {@link #store} for one webhook post, together with the posts that arrive while another round is being stored:
     * they wait and are stored as one answer, the first of them storing it for all, so concurrent posts of different
     * chats share commits as a getUpdates answer does. A post that arrives when nothing is being stored goes at once.
     */
    boolean storeTogether(Update update, Duration maxWait) {
        Waiting me = new Waiting(update);
        boolean lead;
        synchronized (together) {
            waiting.add(me);
            lead = !storing;
            storing = true;
        }
        if (!lead) {
            Boolean outcome = me.outcome.join();
            if (outcome != null) return outcome;
        }
        List<Waiting> round;
        synchronized (together) {
            round = waiting;
            waiting = new ArrayList<>();
        }
        boolean stored = false;
        try {
            stored = store(round.stream().map(w -> w.update).toList(), maxWait);
            return stored;
        } finally {
            Waiting next = null;
            synchronized (together) {
                if (waiting.isEmpty()) storing = false;
                else next = waiting.get(0);
            }
            for (Waiting w : round) {
                if (w != me) w.outcome.complete(stored);
            }
            if (next != null) next.outcome.complete(null); // it stores the next round
        }
    }

    @Override
    public int newUpdateId() {
        return inbox.nextLocalUpdateId();
    }

    /** Redeliveries are normal; an old id with new content means whoever made the update reused an id. */
    private void warnAboutReusedIds(List<Inbox.Row> rows) {
        try {
            List<Long> reused = inbox.reusedIds(rows);
            if (!reused.isEmpty()) {
                log.warn("Update ids {} were seen before with a different content and are ignored: update ids must "
                        + "never repeat (the sandbox should take them from TelegramUpdates.newUpdateId())", reused);
            }
        } catch (RuntimeException e) {
            log.debug("Cannot check repeated update ids ({})", Failures.describe(e));
        }
    }

    /**
     * Hands the private updates of chats no worker here is on to {@link InboxProcessor#processReceived} and waits for
     * them; returns the rows still to record for the workers: other kinds, busy chats, and what could not be recorded.
     * A chat's updates go one way together, so their order holds.
     */
    private List<Inbox.Row> processAtOnce(List<InboxProcessor.Received> received) {
        Map<Long, List<InboxProcessor.Received>> byChat = new LinkedHashMap<>();
        Set<Long> notPrivate = new HashSet<>();
        for (InboxProcessor.Received r : received) {
            Long chat = r.row().chatId();
            if (chat == null || r.row().ignored()) continue;
            if (r.kind() != UpdateMapping.Kind.PRIVATE) notPrivate.add(chat);
            byChat.computeIfAbsent(chat, c -> new ArrayList<>()).add(r);
        }
        List<Inbox.Row> rest = new ArrayList<>();
        for (InboxProcessor.Received r : received) {
            Long chat = r.row().chatId();
            if (chat == null || r.row().ignored() || notPrivate.contains(chat)) rest.add(r.row());
        }
        // (an Update is not a key: its hashCode computes entity texts, and a malformed one throws)
        notPrivate.forEach(byChat::remove);
        Map<Long, CompletableFuture<InboxProcessor.Outcome>> outcomes = processor.processReceived(byChat);
        List<Map.Entry<List<InboxProcessor.Received>, CompletableFuture<InboxProcessor.Outcome>>> taken = new ArrayList<>();
        byChat.forEach((chat, updates) -> {
            var outcome = outcomes.get(chat);
            if (outcome == null) updates.forEach(r -> rest.add(r.row()));
            else taken.add(Map.entry(updates, outcome));
        });
        int fresh = 0;
        long deadline = System.nanoTime() + HOLD_MAX.toNanos();
        for (var e : taken) {
            InboxProcessor.Outcome outcome = outcomeBy(e.getValue(), deadline);
            fresh += outcome.fresh();
            if (!outcome.recorded()) e.getKey().forEach(r -> rest.add(r.row()));
        }
        if (fresh > 0) metrics.received(fresh);
        return rest;
    }

    /**
     * The outcome, or past the deadline "not recorded" (the job is cancelled if it has not started): then the caller
     * records the updates for the workers, which is safe even while the job runs, as an update's key is taken once —
     * the insert waits for the job's transaction and skips what it committed, and the job leaves to the workers
     * whatever the insert recorded first.
     */
    private static InboxProcessor.Outcome outcomeBy(CompletableFuture<InboxProcessor.Outcome> job, long deadline) {
        try {
            return job.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            job.cancel(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel(false);
        }
        return job.isDone() && !job.isCompletedExceptionally() ? job.join() : new InboxProcessor.Outcome(0, false);
    }

    private static List<InboxProcessor.Received> received(List<Update> updates) {
        List<InboxProcessor.Received> rows = new ArrayList<>(updates.size());
        for (Update u : updates) {
            if (u == null || u.getUpdateId() == null) continue;
            UpdateMapping.Route route;
            try {
                route = UpdateMapping.route(u);
            } catch (RuntimeException e) {
                log.warn("Update {} has an unexpected shape and is ignored ({})", u.getUpdateId(), Failures.describe(e));
                route = UpdateMapping.Route.IGNORED;
            }
            String payload = TelegramJson.write(u);
            // what is handled is what would be stored: an update whose NULs were replaced is read back as stored
            Update handled;
            try {
                handled = payload.contains("\\ufffd") ? TelegramJson.read(payload) : u;
            } catch (RuntimeException e) {
                handled = null; // the worker reads it from the inbox, and gives it up if it cannot
            }
            rows.add(new InboxProcessor.Received(new Inbox.Row(u.getUpdateId(), route.chatId(), payload,
                    route.kind() == UpdateMapping.Kind.IGNORED), handled, route.kind()));
        }
        return rows;
    }

    /** False when interrupted or shutting down. */
    private boolean sleep(long millis) {
        synchronized (pause) {
            if (stopping) return false;
            try {
                pause.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !stopping;
        }
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        synchronized (pause) {
            stopping = true;
            pause.notifyAll();
        }
    }
}
