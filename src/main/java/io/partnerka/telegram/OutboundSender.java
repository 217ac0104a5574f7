package io.partnerka.telegram;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.OutboundMessage;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.StoredDocuments;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Delivers the outbox through whatever {@link TelegramClient} the application has (the Bot API client, or the
 * sandbox's): one thread claims due messages (at most one per chat, in order), a few more make the calls within the
 * rate limits and report the outcome. 429: wait retry_after and slow down; 5xx and network errors: bounded
 * exponential back-off, then give up; 403: the person blocked the bot and is marked unreachable; an optional call
 * (answering a button, an edit) that fails is logged and dropped.
 */
@Component
class OutboundSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboundSender.class);
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);
    private static final int PREFETCH = 4;
    private static final long LINGER_MILLIS = 2;

    private final Outbox outbox;
    private final Chats chats;
    private final StoredDocuments documents;
    private final ObjectProvider<TelegramClient> clients;
    private final TelegramProperties.Sender settings;
    private final RateLimits limits;
    private final TelegramMetrics metrics;
    private TelegramClient client;
    private ThreadPoolExecutor pool;
    private Semaphore slots;
    private Thread dispatcher;
    private volatile boolean running;

    OutboundSender(Outbox outbox, Chats chats, StoredDocuments documents, ObjectProvider<TelegramClient> clients,
                   TelegramProperties properties, TelegramMetrics metrics) {
        this.metrics = metrics;
        this.outbox = outbox;
        this.chats = chats;
        this.documents = documents;
        this.clients = clients;
        this.settings = properties.sender();
        TelegramProperties.Rate rate = properties.rate();
        // the limits are Telegram's: the sandbox (no token) is not held to them
        this.limits = new RateLimits(rate.enabled() && properties.hasToken(), rate.globalPerSecond(),
                rate.perChatPerSecond(), rate.perChatBurst());
    }

    @Override
    public synchronized void start() {
        client = clients.getIfAvailable();
        if (client == null) {
            log.warn("No TelegramClient in the application: outgoing messages wait in the outbox");
            return;
        }
        int concurrency = Math.max(1, settings.concurrency());
        // a claim takes up to this many messages at once (they wait their turn for a calling thread): claiming a
        // handful at a time made the claim the largest cost in the database under load
        slots = new Semaphore(concurrency * PREFETCH);
        pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                InboxProcessor.threads("telegram-sender-"));
        running = true;
        dispatcher = InboxProcessor.threads("telegram-outbox-").newThread(this::dispatch);
        dispatcher.start();
        log.info("Outbound sender started ({} calls at a time, rate limits {})", concurrency, limits.enabled() ? "on" : "off");
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        dispatcher.interrupt();
        try {
            dispatcher.join(5_000);
            pool.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return InboxProcessor.PHASE;
    }

    RateLimits limits() {
        return limits;
    }

    private void dispatch() {
        long backoff = 100;
        while (running) {
            try {
                slots.acquire();
                int free = 1 + slots.drainPermits();
                List<OutboundMessage> batch;
                try {
                    batch = outbox.claimDue(free);
                    backoff = 100;
                } catch (RuntimeException e) {
                    slots.release(free);
                    log.warn("Cannot read the outbox ({}); retrying in {} ms", Failures.describe(e), backoff);
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                    continue;
                }
                // never more than asked for; were it so, releasing a negative count would throw and lose the slots
                if (batch.size() < free) slots.release(free - batch.size());
                for (OutboundMessage message : batch) {
                    pool.execute(() -> {
                        try {
                            deliver(message);
                        } finally {
                            slots.release();
                        }
                    });
                }
                if (batch.size() < free) {
                    // everything due is out: wait for the next commit, and a moment more, so that under load one
                    // claim takes what several transactions wrote (a claim per commit was the database's largest cost)
                    outbox.awaitWork(IDLE_POLL);
                    Thread.sleep(LINGER_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Outbound dispatcher failed ({}); going on", Failures.describe(e), e);
            }
        }
    }

    private void deliver(OutboundMessage m) {
        String method = m.reply().getClass().getSimpleName();
        try {
            if (m.unreachable()) {
                // blocked the bot: nothing is sent until they write again (which makes them reachable)
                outbox.failed(m.id(), "chat unreachable");
                log.debug("Outbox {} not sent: chat {} is unreachable", m.id(), m.chatId());
                return;
            }
            // a document sent by reference (an invoice) is read from where its feature keeps it, just now
            Reply reply = documents.resolve(m.reply()).orElse(null);
            if (reply == null) {
                record(m, () -> outbox.failed(m.id(), "the stored document no longer exists"));
                log.warn("Outbox {} for chat {} not sent: its stored document no longer exists", m.id(), m.chatId());
                return;
            }
            if (ReplyRenderer.counted(reply)) limits.acquire(m.chatId());
            Integer messageId = ReplyRenderer.send(client, m.chatId(), reply);
            metrics.sent();
            recordDelivered(m, messageId);
            log.debug("Delivered outbox {} ({}) to chat {}", m.id(), method, m.chatId());
        } catch (InterruptedException e) {
            // shutting down: the claim's lease brings the message back
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Failures.ApiFailure failure = Failures.classify(e);
            try {
                record(m, () -> onFailure(m, method, failure));
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        } finally {
            outbox.signalAfterCommit(); // the chat's next message may be due now
        }
    }

    /**
     * Telegram has the message: keep trying to record that (the database may be away for a while), because a row left
     * in SENDING is sent again when its lease ends — the person would read it twice.
     */
    private void recordDelivered(OutboundMessage m, Integer messageId) throws InterruptedException {
        record(m, () -> outbox.delivered(m.id(), messageId));
    }

    /**
     * Records the outcome of a call, retrying while the database is unavailable: otherwise the row waits for its lease
     * (a minute) before anything else happens in that chat, and a delivered one would be sent again.
     */
    private void record(OutboundMessage m, Runnable outcome) throws InterruptedException {
        long backoff = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                outcome.run();
                if (attempt > 1) log.info("Recorded the outcome of outbox {} after {} attempts", m.id(), attempt);
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    log.warn("Stopping before the outcome of outbox {} was recorded: it is tried again after its lease",
                            m.id());
                    return;
                }
                if (attempt == 1) {
                    log.warn("Cannot record the outcome of outbox {} ({}); retrying", m.id(), Failures.describe(e));
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 1_000);
            }
        }
    }

    private void onFailure(OutboundMessage m, String method, Failures.ApiFailure f) {
        if (f.is(429)) {
            int wait = f.retryAfter() == null ? 1 : Math.max(1, f.retryAfter());
            limits.slowDown();
            outbox.retryAt(m.id(), Instant.now().plusSeconds(wait), f.toString());
            metrics.throttled();
            log.warn("Telegram rate limit (429) on outbox {} for chat {}: retrying in {} s", m.id(), m.chatId(), wait);
        } else if (f.is(403)) {
            chats.markUnreachable(m.chatId());
            metrics.unreachable();
            log.info("Chat {} cannot be written to (403 {}); marked unreachable, its waiting messages dropped",
                    m.chatId(), f.description());
        } else if (ReplyRenderer.optional(m.reply())) {
            outbox.failed(m.id(), f.toString());
            if (f.notModified()) {
                log.debug("Outbox {} ({}) for chat {}: message not modified", m.id(), method, m.chatId());
            } else {
                log.info("Optional call {} for chat {} (outbox {}) failed and is dropped: {}", method, m.chatId(), m.id(), f);
            }
        } else if (f.invalid() || f.code() != null && f.code() >= 400 && f.code() < 500 && !f.is(401) && !f.is(404)) {
            outbox.failed(m.id(), f.toString());
            metrics.refused();
            log.warn("Telegram refused outbox {} ({}) for chat {}: {}", m.id(), method, m.chatId(), f);
        } else if (m.attempts() >= settings.maxAttempts()) {
            outbox.failed(m.id(), f.toString());
            metrics.refused();
            log.error("Outbox {} ({}) for chat {} given up after {} attempts: {}", m.id(), method, m.chatId(), m.attempts(), f);
        } else {
            Duration wait = backoff(m.attempts());
            outbox.retryAt(m.id(), Instant.now().plus(wait), f.toString());
            metrics.retried();
            log.warn("Outbox {} ({}) for chat {} failed (attempt {}: {}); retrying in {} ms", m.id(), method, m.chatId(),
                    m.attempts(), f, wait.toMillis());
        }
    }

    /** 1 s, 2 s, 4 s... up to the configured maximum, with a little jitter so many retries do not come at once. */
    Duration backoff(int attempt) {
        long base = 1000L << Math.min(Math.max(attempt - 1, 0), 16);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 10 + 1));
    }
}
