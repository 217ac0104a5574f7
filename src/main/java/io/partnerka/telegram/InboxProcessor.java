package io.partnerka.telegram;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.ConversationEngine;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
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
    /** chat id -> whether more work arrived while its worker was busy */
    private final Map<Long, Boolean> active = new ConcurrentHashMap<>();
    private ThreadPoolExecutor workers;
    private ScheduledExecutorService sweeper;
    private volatile boolean running;
    private volatile Instant nextCleanup = Instant.now();

    InboxProcessor(Inbox inbox, ConversationEngine engine, Chats chats, Outbox outbox, Messages messages,
                   BotIdentity identity, PlatformTransactionManager transactions, TelegramProperties properties,
                   TelegramMetrics metrics) {
        this.metrics = metrics;
        this.inbox = inbox;
        this.engine = engine;
        this.chats = chats;
        this.outbox = outbox;
        this.messages = messages;
        this.identity = identity;
        this.tx = new TransactionTemplate(transactions);
        this.properties = properties;
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

    /**
     * Processes a chat's fresh private updates at once, in order, each recorded as processed in the transaction that
     * does its work: one transaction and no inbox round trip (recorded, claimed, marked) for the everyday update.
     * Whatever cannot be done so — the chat has an earlier update open, a failure to retry — is recorded for the
     * workers, who go on from there. Null when a worker here is on the chat already, or nothing runs: the caller
     * records the updates for the workers. Completes when every update is committed or recorded (or could not be).
     */
    java.util.concurrent.CompletableFuture<Outcome> processReceived(long chatId, java.util.List<Received> updates) {
        if (!running) return null;
        boolean[] taken = {false};
        active.compute(chatId, (id, more) -> {
            if (more != null) return more;
            taken[0] = true;
            return Boolean.FALSE;
        });
        if (!taken[0]) return null;
        var done = new java.util.concurrent.CompletableFuture<Outcome>();
        try {
            workers.execute(() -> {
                boolean leftToWorkers = false;
                try {
                    // the receiver gave up waiting for this job to start and recorded the updates for the workers
                    if (done.isCancelled()) return;
                    int processed = 0;
                    while (processed < updates.size() && running && processAtOnce(chatId, updates.get(processed))) processed++;
                    if (processed == updates.size()) {
                        done.complete(new Outcome(processed, true));
                    } else {
                        var rest = updates.subList(processed, updates.size()).stream().map(Received::row).toList();
                        int fresh = inbox.insert(rest).fresh();
                        leftToWorkers = true;
                        done.complete(new Outcome(processed + fresh, true));
                    }
                } catch (RuntimeException e) {
                    log.warn("Cannot record {} update(s) of chat {} ({}); the receiver tries again", updates.size(),
                            chatId, Failures.describe(e));
                    done.complete(new Outcome(0, false));
                } finally {
                    if (!done.isDone()) done.complete(new Outcome(0, false)); // an Error: let the receiver record them
                    if (leftToWorkers || moreArrived(chatId)) drain(chatId);
                }
            });
        } catch (RejectedExecutionException e) {
            active.remove(chatId);
            return null;
        }
        return done;
    }

    /**
     * One fresh update in one transaction: recorded as processed, handled, committed. False when it is left to the
     * workers: the chat has an earlier update open, it was recorded before, it cannot be read, or it failed in a way
     * to retry (the database away for a moment); a failure to tell the person about is told here, as the workers do.
     */
    private boolean processAtOnce(long chatId, Received received) {
        long started = System.nanoTime();
        long updateId = received.row().updateId();
        Inbound in;
        try {
            in = UpdateMapping.toInbound(received.update());
        } catch (RuntimeException e) {
            return false; // the worker records why and skips it
        }
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
