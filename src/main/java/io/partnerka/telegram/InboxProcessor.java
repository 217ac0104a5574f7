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
 * in order while different chats go in parallel. Each update is handed to the conversation engine together with
 * marking it processed, so the outcome and the mark commit together. A periodic sweep (also right at start) picks up
 * whatever is left: updates recorded just before a crash, failures to retry, work of a stopped instance.
 */
@Component
class InboxProcessor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);
    /** Long enough for any update's transaction; a crashed worker's update is taken up again after it. */
    static final Duration LEASE = Duration.ofSeconds(30);
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

    /** Handles the chat's next update; false when there is none (or it must wait). */
    private boolean processNext(long chatId) {
        Inbox.Claimed row;
        try {
            row = inbox.claimNext(chatId, LEASE);
        } catch (RuntimeException e) {
            log.warn("Cannot read the inbox of chat {} ({}); the sweep retries", chatId, Failures.describe(e));
            return false;
        }
        if (row == null) return false;
        if (row.attempts() > MAX_ATTEMPTS) {
            log.error("Update {} of chat {} failed {} times and is given up", row.updateId(), chatId, MAX_ATTEMPTS);
            inbox.giveUp(row.updateId(), "given up after " + MAX_ATTEMPTS + " attempts");
            metrics.givenUp();
            return true;
        }
        try {
            handle(row);
            return true;
        } catch (RuntimeException e) {
            metrics.failed();
            Duration delay = backoff(row.attempts());
            log.warn("Update {} of chat {} failed (attempt {}: {}); retrying in {} s", row.updateId(), chatId,
                    row.attempts(), Failures.describe(e), delay.toSeconds());
            try {
                inbox.retryLater(row.updateId(), delay, Failures.describe(e));
            } catch (RuntimeException again) {
                log.warn("Cannot reschedule update {} ({}); it is retried when its lease ends", row.updateId(),
                        Failures.describe(again));
            }
            return false;
        }
    }

    private void handle(Inbox.Claimed row) {
        long started = System.nanoTime();
        long updateId = row.updateId();
        Update update;
        UpdateMapping.Route route;
        Inbound inbound = null;
        try {
            update = TelegramJson.read(row.payload());
            route = UpdateMapping.route(update);
            if (route.kind() == UpdateMapping.Kind.PRIVATE) inbound = UpdateMapping.toInbound(update);
        } catch (RuntimeException e) {
            // it will never read better: record why and go on with the chat's next update
            log.error("Update {} of chat {} cannot be read and is skipped ({})", updateId, row.chatId(), Failures.describe(e));
            inbox.giveUp(updateId, "unreadable: " + Failures.describe(e));
            metrics.givenUp();
            return;
        }
        switch (route.kind()) {
            case PRIVATE -> engine.handle(inbound, () -> inbox.markProcessed(updateId));
            case BLOCKED -> tx.executeWithoutResult(status -> {
                chats.markUnreachable(route.chatId());
                inbox.markProcessed(updateId);
                log.info("Chat {} blocked the bot; nothing more is sent until they write again", route.chatId());
            });
            case GROUP_COMMAND -> tx.executeWithoutResult(status -> {
                answerInGroup(update, route.chatId());
                inbox.markProcessed(updateId);
            });
            case IGNORED -> inbox.giveUp(updateId, null);
        }
        metrics.processed(route.kind(), started);
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
            for (Long chat : inbox.chatsWithDueUpdates(1000)) schedule(chat);
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
