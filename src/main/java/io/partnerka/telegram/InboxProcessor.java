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
        while (true) {
            try {
                while (running && processNext(chatId)) {
                    // next update of the same chat
                }
            } catch (RuntimeException e) {
                log.error("Worker failed on chat {} ({})", chatId, Failures.describe(e), e);
            }
            Boolean again = active.compute(chatId, (id, moreArrived) -> running && Boolean.TRUE.equals(moreArrived) ? Boolean.FALSE : null);
            if (again == null) return;
        }
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
                engine.process(attempt.inbound);
                inbox.markProcessed(updateId);
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
