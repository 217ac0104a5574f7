package io.partnerka.telegram;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Works through the inbox: a small pool of workers, at most one per chat at a time, so one chat's updates are handled
 * in order while different chats go in parallel. An update is claimed, handled by the conversation engine and
 * marked processed in one transaction (a row lock held for the work, no lease written and cleared), so the outcome
 * and the mark commit together and a crashed worker's claim goes with its connection. A periodic sweep (also right at start) picks up
 * whatever is left: updates recorded just before a crash, failures to retry, work of a stopped instance.
 */
@Component
class InboxProcessor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);
    static final int MAX_ATTEMPTS = 10;
    static final int PHASE = Integer.MAX_VALUE - 10_000;
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    private final Inbox inbox;
    private final ConversationEngine engine;
    private final Chats chats;
    private final Outbox outbox;
    private final Messages messages;
    private final BotIdentity identity;
    private final TransactionTemplate tx;
    private final TelegramProperties properties;
    private final TelegramMetrics metrics;
    private final ObjectProvider<EntityManager> entities;
    /** The shared (transaction-bound) EntityManager, looked up once: a bean lookup an update cost CPU and JIT time. */
    private volatile java.util.Optional<EntityManager> entityManager;
    /** chat id -> whether more work arrived while its worker was busy */
    private final Map<Long, Boolean> active = new ConcurrentHashMap<>();
    private ThreadPoolExecutor workers;
    private ScheduledExecutorService sweeper;
    private volatile boolean running;
    private volatile Instant nextCleanup = Instant.now();

    InboxProcessor(Inbox inbox, ConversationEngine engine, Chats chats, Outbox outbox, Messages messages,
                   BotIdentity identity, PlatformTransactionManager transactions, TelegramProperties properties,
                   TelegramMetrics metrics, ObjectProvider<EntityManager> entities) {
        this.metrics = metrics;
        this.entities = entities;
        this.inbox = inbox;
        this.engine = engine;
        this.chats = chats;
        this.outbox = outbox;
        this.messages = messages;
        this.identity = identity;
        this.tx = new TransactionTemplate(transactions);
        this.properties = properties;
    }

    private java.util.Optional<EntityManager> entityManager() {
        java.util.Optional<EntityManager> known = entityManager;
        if (known == null) entityManager = known = java.util.Optional.ofNullable(entities.getIfAvailable());
        return known;
    }

    @Override
    public synchronized void start() {
        int size = Math.max(1, properties.workers());
        workers = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                threads("telegram-worker-"));
        sweeper = Executors.newSingleThreadScheduledExecutor(threads("telegram-inbox-sweep-"));
        running = true;
        long every = Math.max(100, properties.sweepInterval().toMillis());
        sweeper.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
        log.info("Inbox processing started with {} workers", size);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (sweeper != null) sweeper.shutdownNow();
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(10, TimeUnit.SECONDS)) workers.shutdownNow();
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        active.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    void schedule(Collection<Long> chatIds) {
        chatIds.forEach(this::schedule);
    }

    /** Makes sure a worker goes through the chat's waiting updates (one worker per chat at a time). */
    void schedule(long chatId) {
        if (!running) return; // the sweep at the next start finds it
        active.compute(chatId, (id, moreArrived) -> {
            if (moreArrived != null) return Boolean.TRUE;
            try {
                workers.execute(() -> drain(id));
                return Boolean.FALSE;
            } catch (RejectedExecutionException e) {
                return null;
            }
        });
    }

    private void drain(long chatId) {
        do {
            try {
                while (running && processNext(chatId)) {
                    // next update of the same chat
                }
            } catch (RuntimeException e) {
                log.error("Worker failed on chat {} ({})", chatId, Failures.describe(e), e);
            }
        } while (moreArrived(chatId));
    }

    /** At the end of a worker's pass over a chat: true when more arrived meanwhile (look again); else it lets go. */
    private boolean moreArrived(long chatId) {
        return active.compute(chatId, (id, more) -> running && Boolean.TRUE.equals(more) ? Boolean.FALSE : null) != null;
    }

    /** A fresh update held in memory, with its row as the inbox would record it. */
    record Received(Inbox.Row row, Update update, UpdateMapping.Kind kind) {
    }

    /**
     * What became of updates taken by {@link #processReceived}: {@code fresh} of them were new; {@code recorded}: each
     * is now committed as processed or recorded for the workers (false: the database was away, record them again).
     */
    record Outcome(int fresh, boolean recorded) {
    }

    /** One chat's fresh updates taken for processing on receipt, and the outcome the receiver waits for. */
    private record ChatWork(long chatId, List<Received> updates, CompletableFuture<Outcome> done) {
    }

    /**
     * Processes fresh private updates at once, each chat's in order, each update recorded as processed in the
     * transaction that does its work: no inbox round trip (recorded, claimed, marked) for the everyday update. The
     * chats no worker here is on are spread over at most as many jobs as there are workers, and a job commits its
     * chats' updates together: one commit for a getUpdates answer's worth of chats, not one an update. When anything in
     * a job fails, it rolls back and does each chat on its own, an update a transaction, as before, so one chat's
     * failure never undoes another's work. Whatever cannot be done at once — the chat has an earlier update open, a
     * failure to retry — is recorded for the workers, who go on from there. Returns the outcome of each chat taken
     * (completed when each of its updates is committed or recorded, or could not be); a chat left out (a worker here
     * is on it, or nothing runs) is for the caller to record.
     */
    Map<Long, CompletableFuture<Outcome>> processReceived(Map<Long, List<Received>> byChat) {
        Map<Long, CompletableFuture<Outcome>> outcomes = new LinkedHashMap<>();
        if (!running) return outcomes;
        List<ChatWork> taken = new ArrayList<>();
        byChat.forEach((chatId, updates) -> {
            boolean[] free = {false};
            active.compute(chatId, (id, more) -> {
                if (more != null) return more;
                free[0] = true;
                return Boolean.FALSE;
            });
            if (free[0]) taken.add(new ChatWork(chatId, updates, new CompletableFuture<>()));
        });
        int jobs = Math.min(Math.max(1, properties.workers()), taken.size());
        List<List<ChatWork>> groups = new ArrayList<>(jobs);
        for (int j = 0; j < jobs; j++) groups.add(new ArrayList<>());
        for (int i = 0; i < taken.size(); i++) groups.get(i % jobs).add(taken.get(i));
        for (List<ChatWork> group : groups) {
            try {
                workers.execute(() -> runTogether(group));
                group.forEach(w -> outcomes.put(w.chatId(), w.done()));
            } catch (RejectedExecutionException e) {
                group.forEach(w -> active.remove(w.chatId()));
            }
        }
        return outcomes;
    }

    /** A job of {@link #processReceived}: its chats' updates in one transaction, or each chat on its own. */
    private void runTogether(List<ChatWork> group) {
        // a chat the receiver gave up waiting for has its updates recorded for the workers by the receiver
        List<ChatWork> live = new ArrayList<>(group.size());
        for (ChatWork w : group) {
            if (!w.done().isCancelled()) live.add(w);
        }
        int[] processed = live.size() > 1 ? processAllAtOnce(live) : null;
        Map<Long, Boolean> leftToWorkers = new LinkedHashMap<>();
        for (ChatWork w : group) leftToWorkers.put(w.chatId(), false);
        for (int c = 0; c < live.size(); c++) {
            leftToWorkers.put(live.get(c).chatId(), finish(live.get(c), processed == null ? 0 : processed[c]));
        }
        // only then the chats' waiting updates, each chat on a worker of its own (one may wait for a lock), the last
        // one on this job's
        int left = leftToWorkers.size();
        for (var chat : leftToWorkers.entrySet()) {
            long chatId = chat.getKey();
            boolean toWorkers = chat.getValue();
            if (--left == 0) {
                release(chatId, toWorkers);
                continue;
            }
            try {
                workers.execute(() -> release(chatId, toWorkers));
            } catch (RejectedExecutionException e) {
                active.remove(chatId); // stopping: the sweep at the next start finds what is left
            }
        }
    }

    /**
     * Several chats' updates in one transaction: per chat, in order, as far as each is this job's to do (see
     * {@link #processAtOnce}). Null, with everything rolled back, when anything failed.
     */
    private int[] processAllAtOnce(List<ChatWork> chats) {
        long started = System.nanoTime();
        int[] processed = new int[chats.size()];
        try {
            tx.executeWithoutResult(status -> {
                for (int c = 0; c < chats.size(); c++) {
                    ChatWork w = chats.get(c);
                    for (Received received : w.updates()) {
                        Inbound in = inbound(received);
                        if (in == null || !running
                                || !engine.process(in, inbox.processedClaim(received.row().updateId(), w.chatId()))) {
                            break;
                        }
                        processed[c]++;
                        // the next update reads what the database says, not what an earlier one loaded
                        entityManager().ifPresent(em -> {
                            em.flush();
                            em.clear();
                        });
                    }
                }
            });
        } catch (RuntimeException e) {
            log.debug("Processing {} chats together failed ({}); each goes on its own", chats.size(), Failures.describe(e));
            return null;
        }
        for (int n : processed) {
            for (int i = 0; i < n; i++) metrics.processed(UpdateMapping.Kind.PRIVATE, started);
        }
        return processed;
    }

    /**
     * Goes on with a chat's updates from {@code from} (the ones before are committed), each in a transaction of its
     * own; records what is left for the workers and completes the chat's outcome. True when updates were left to the
     * workers.
     */
    private boolean finish(ChatWork w, int from) {
        List<Received> updates = w.updates();
        boolean leftToWorkers = false;
        try {
            int processed = from;
            while (processed < updates.size() && running && processAtOnce(w.chatId(), updates.get(processed))) processed++;
            if (processed == updates.size()) {
                w.done().complete(new Outcome(processed, true));
            } else {
                var rest = updates.subList(processed, updates.size()).stream().map(Received::row).toList();
                int fresh = inbox.insert(rest).fresh();
                leftToWorkers = true;
                w.done().complete(new Outcome(processed + fresh, true));
            }
        } catch (RuntimeException e) {
            log.warn("Cannot record {} update(s) of chat {} ({}); the receiver tries again", updates.size(),
                    w.chatId(), Failures.describe(e));
            w.done().complete(new Outcome(0, false));
        } finally {
            if (!w.done().isDone()) w.done().complete(new Outcome(0, false)); // an Error: let the receiver record them
        }
        return leftToWorkers;
    }

    /** Lets a chat go after work on receipt, or drains it when updates were left to the workers or arrived meanwhile. */
    private void release(long chatId, boolean leftToWorkers) {
        if (leftToWorkers || moreArrived(chatId)) drain(chatId);
    }

    /** The update as the engine takes it; null when it cannot be read (the worker records why and skips it). */
    private static Inbound inbound(Received received) {
        try {
            return UpdateMapping.toInbound(received.update());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * One fresh update in one transaction: recorded as processed, handled, committed. False when it is left to the
     * workers: the chat has an earlier update open, it was recorded before, it cannot be read, or it failed in a way
     * to retry (the database away for a moment); a failure to tell the person about is told here, as the workers do.
     */
    private boolean processAtOnce(long chatId, Received received) {
        long started = System.nanoTime();
        long updateId = received.row().updateId();
        Inbound in = inbound(received);
        if (in == null) return false;
        try {
            // the update's row written as processed in the statement that locks the chat (false: not this one's)
            Boolean done = tx.execute(status -> engine.process(in, inbox.processedClaim(updateId, chatId)));
            if (!Boolean.TRUE.equals(done)) return false;
        } catch (RuntimeException e) {
            if (Inbox.isLockTimeout(e)) return false; // someone else holds the chat (or what it touches): the workers wait
            boolean[] told = {false};
            try {
                engine.failed(in, e, () -> told[0] = inbox.insertProcessed(updateId, chatId));
            } catch (RuntimeException again) {
                log.warn("Update {} of chat {} failed ({}); the workers retry it", updateId, chatId, Failures.describe(again));
                metrics.failed();
                return false;
            }
            if (!told[0]) return false;
        }
        metrics.processed(UpdateMapping.Kind.PRIVATE, started);
        return true;
    }

    /** What one transaction claimed, for what follows when it fails. */
    private static final class Attempt {
        Inbox.Claimed row;
        Inbound inbound;
        UpdateMapping.Kind kind;
    }

    /**
     * Handles the chat's next update in one transaction: claim it (a row lock held for the work), do the work, write
     * the replies, mark it processed, commit. True when the chat had another update waiting behind it; false when
     * not, or there was none (or it must wait: backing off, or another worker has it). A failure rolls everything back; then the person is told in a second small transaction, or
     * (the database away for a moment, or a failure that is not the person's) the retry is recorded in one.
     */
    private boolean processNext(long chatId) {
        long started = System.nanoTime();
        Attempt attempt = new Attempt();
        try {
            Boolean handled = tx.execute(status -> handleNext(chatId, attempt));
            if (attempt.kind != null) metrics.processed(attempt.kind, started);
            return Boolean.TRUE.equals(handled);
        } catch (RuntimeException e) {
            Inbox.Claimed row = attempt.row;
            if (row == null) {
                log.warn("Cannot read the inbox of chat {} ({}); the sweep retries", chatId, Failures.describe(e));
                return false;
            }
            RuntimeException failure = e;
            if (attempt.inbound != null) {
                long updateId = row.updateId();
                try {
                    engine.failed(attempt.inbound, e, () -> inbox.markProcessedIfOpen(updateId));
                    metrics.processed(attempt.kind, started);
                    return row.more();
                } catch (RuntimeException again) {
                    failure = again;
                }
            }
            metrics.failed();
            Duration delay = backoff(row.attempts() + 1);
            log.warn("Update {} of chat {} failed (attempt {}: {}); retrying in {} s", row.updateId(), chatId,
                    row.attempts() + 1, Failures.describe(failure), delay.toSeconds());
            try {
                inbox.retryLater(row.updateId(), delay, Failures.describe(failure));
            } catch (RuntimeException again) {
                log.warn("Cannot reschedule update {} ({}); the sweep takes it up again", row.updateId(),
                        Failures.describe(again));
            }
            return false;
        }
    }

    /**
     * The body of the update's transaction; true when an update was claimed and finished and the chat has another
     * one waiting (looking again when it has none would be a transaction per update for nothing).
     */
    private boolean handleNext(long chatId, Attempt attempt) {
        Inbox.Claimed row = inbox.claimNext(chatId);
        if (row == null) return false;
        attempt.row = row;
        long updateId = row.updateId();
        if (row.attempts() >= MAX_ATTEMPTS) {
            log.error("Update {} of chat {} failed {} times and is given up", updateId, chatId, row.attempts());
            inbox.giveUp(updateId, "given up after " + row.attempts() + " attempts");
            metrics.givenUp();
            return row.more();
        }
        Update update;
        UpdateMapping.Route route;
        try {
            update = TelegramJson.read(row.payload());
            route = UpdateMapping.route(update);
            if (route.kind() == UpdateMapping.Kind.PRIVATE) attempt.inbound = UpdateMapping.toInbound(update);
        } catch (RuntimeException e) {
            // it will never read better: record why and go on with the chat's next update
            log.error("Update {} of chat {} cannot be read and is skipped ({})", updateId, row.chatId(), Failures.describe(e));
            attempt.inbound = null;
            inbox.giveUp(updateId, "unreadable: " + Failures.describe(e));
            metrics.givenUp();
            return row.more();
        }
        attempt.kind = route.kind();
        switch (route.kind()) {
            case PRIVATE -> {
                if (!engine.process(attempt.inbound, inbox.processingClaim(updateId))) {
                    throw new IllegalStateException("Update " + updateId + " was already processed");
                }
            }
            case BLOCKED -> {
                chats.markUnreachable(route.chatId());
                inbox.markProcessed(updateId);
                log.info("Chat {} blocked the bot; nothing more is sent until they write again", route.chatId());
            }
            case GROUP_COMMAND -> {
                answerInGroup(update, route.chatId());
                inbox.markProcessed(updateId);
            }
            case IGNORED -> inbox.giveUp(updateId, null);
        }
        return row.more();
    }

    /** A command in a group gets one polite line pointing to the private chat; other bots' commands get nothing. */
    private void answerInGroup(Update update, long chatId) {
        String addressee = UpdateMapping.addressee(update.getMessage().getText());
        if (addressee != null && !addressee.equalsIgnoreCase(identity.username())) return;
        var from = update.getMessage().getFrom();
        String language = messages.languageFor(from == null ? null : from.getLanguageCode());
        outbox.send(chatId, Reply.Text.of(messages.text(language, "telegram.private-only",
                Map.of("link", identity.link()))));
    }

    private void sweep() {
        try {
            if (!running) return;
            // a chat this instance works on already is left to its worker (which looks again when told more arrived):
            // the sweep is for what nobody here is on, and with no lease written it also sees updates in the works
            for (Long chat : inbox.chatsWithDueUpdates(1000)) {
                if (!active.containsKey(chat)) schedule(chat);
            }
            Instant now = Instant.now();
            if (now.isAfter(nextCleanup)) {
                nextCleanup = now.plus(CLEANUP_EVERY);
                int deleted = inbox.deleteProcessedBefore(now.minus(properties.inboxRetention()));
                if (deleted > 0) log.debug("Forgot {} processed updates", deleted);
            }
        } catch (RuntimeException e) {
            log.warn("Inbox sweep failed ({}); trying again shortly", Failures.describe(e));
        }
    }

    static Duration backoff(int attempt) {
        long seconds = 1L << Math.min(Math.max(attempt - 1, 0), 6);
        return Duration.ofSeconds(Math.min(seconds, 60));
    }

    static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
