package io.partnerka.telegram;

import io.partnerka.conversation.Chats;
import io.partnerka.conversation.OutboundMessage;
import io.partnerka.conversation.Outbox;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.StoredDocuments;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * sandbox's): one thread claims due messages (at most one per chat, in the chat's order: its replies before its
 * notifications, each kind in order; see {@link Outbox}), a few more make the calls within the
 * rate limits and report the outcome. 429: wait retry_after and slow down; 5xx and network errors: bounded
 * exponential back-off, then give up; 403: the person blocked the bot and is marked unreachable; an optional call
 * (answering a button, an edit) that fails is logged and dropped.
 */
@Component
class OutboundSender implements SmartLifecycle, Outbox.HandOff {

    private static final Logger log = LoggerFactory.getLogger(OutboundSender.class);
    /**
     * How often an idle claim looks anyway: for what another instance or a crash left (their leases are 60 s). What
     * this instance writes, releases, or puts off until later wakes the claim itself (at the time it is due).
     */
    private static final Duration IDLE_POLL = Duration.ofSeconds(5);
    private static final int PREFETCH = 4;
    private static final long LINGER_MILLIS = 2;
    private static final int RECORD_BATCH = 256;
    /** A message handed over in memory goes out well within its claim's lease (60 s), or is left to the lease. */
    private static final long HELD_MAX_AGE_NANOS = Duration.ofSeconds(30).toNanos();

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
    /** Deliveries Telegram confirmed, waiting to be recorded (one statement for all that arrived meanwhile). */
    private final LinkedBlockingQueue<Done> deliveries = new LinkedBlockingQueue<>();
    /** By chat, the ids of delivered messages not yet recorded (see {@link #deliveredNotRecorded}). */
    private final Map<Long, Set<Long>> unrecorded = new ConcurrentHashMap<>();
    /** The same deliveries by outbox id (see {@link #deliveredMessageId}). */
    private final Map<Long, Done> unrecordedById = new ConcurrentHashMap<>();
    private Thread recorder;
    private volatile boolean recording;
    /** Messages handed over in memory, per chat in order (guarded by itself); a chat's queue has one runner. */
    private final Map<Long, ArrayDeque<Held>> held = new HashMap<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private int heldMax;

    private record Held(OutboundMessage message, long claimedAtNanos) {
    }

    /** A delivery to record; {@code held}: handed over in memory (its chat's next message is not the claim's). */
    private record Done(Outbox.Delivery delivery, long chatId, boolean held) {
    }

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
        recording = true;
        recorder = InboxProcessor.threads("telegram-delivered-").newThread(this::recordDeliveries);
        recorder.start();
        dispatcher = InboxProcessor.threads("telegram-outbox-").newThread(this::dispatch);
        dispatcher.start();
        heldMax = concurrency * PREFETCH * 2;
        outbox.handOffTo(this);
        log.info("Outbound sender started ({} calls at a time, rate limits {})", concurrency, limits.enabled() ? "on" : "off");
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        outbox.handOffTo(null);
        running = false;
        dispatcher.interrupt();
        try {
            dispatcher.join(5_000);
            pool.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            // what was delivered is recorded before the sender stops (unless the database is away)
            recording = false;
            try {
                recorder.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    @Override
    public boolean hasRoom() {
        return running && heldCount.get() < heldMax;
    }

    /**
     * Committed messages claimed for this instance: sent without a claim of their own, each chat's in order and one
     * at a time (its runner), alongside what the claim takes (which never takes a chat's message while one of the
     * chat is out). A chat's queue holds one transaction's replies, or one notification (the outbox hands over
     * nothing of a chat that has one out), so putting the later ones back behind a failed one keeps each lane's order.
     */
    @Override
    public void take(List<OutboundMessage> messages, long claimedAtNanos) {
        heldCount.addAndGet(messages.size());
        List<Long> idle = new java.util.ArrayList<>();
        synchronized (held) {
            for (OutboundMessage m : messages) {
                held.computeIfAbsent(m.chatId(), chat -> {
                    idle.add(chat);
                    return new ArrayDeque<>();
                }).add(new Held(m, claimedAtNanos));
            }
        }
        for (long chat : idle) {
            try {
                pool.execute(() -> sendHeld(chat));
            } catch (RuntimeException e) {
                // stopping: left to their lease
                dropHeld(chat);
            }
        }
    }

    /**
     * Sends a chat's messages handed over in memory, in order. When one is not delivered (a retry later, a refusal, a
     * blocked chat) the chat's later ones go back to the claim, behind it; one held too long is left to its lease
     * (another instance may take it then), and the chat's later ones with it.
     */
    private void sendHeld(long chatId) {
        while (true) {
            Held h;
            synchronized (held) {
                ArrayDeque<Held> queue = held.get(chatId);
                h = queue == null ? null : queue.poll();
                if (h == null) {
                    held.remove(chatId);
                    return;
                }
            }
            heldCount.decrementAndGet();
            if (System.nanoTime() - h.claimedAtNanos() > HELD_MAX_AGE_NANOS) {
                log.warn("Outbox {} for chat {} waited too long to be sent; it and the chat's later messages are sent "
                        + "when their claim's lease ends", h.message().id(), chatId);
                dropHeld(chatId);
                return;
            }
            if (!deliver(h.message(), true)) {
                List<Long> rest = dropHeld(chatId);
                try {
                    outbox.release(rest);
                } catch (RuntimeException e) {
                    log.warn("Cannot give back {} messages of chat {} ({}); they are sent when their lease ends",
                            rest.size(), chatId, Failures.describe(e));
                }
                return;
            }
        }
    }

    private List<Long> dropHeld(long chatId) {
        ArrayDeque<Held> queue;
        synchronized (held) {
            queue = held.remove(chatId);
        }
        if (queue == null) return List.of();
        heldCount.addAndGet(-queue.size());
        return queue.stream().map(h -> h.message().id()).toList();
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
                            deliver(message, false);
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

    /** Makes the call and records (or queues the record of) its outcome; true when Telegram has the message. */
    private boolean deliver(OutboundMessage m, boolean held) {
        String method = m.reply().getClass().getSimpleName();
        try {
            if (m.unreachable()) {
                // blocked the bot: nothing is sent until they write again (which makes them reachable)
                outbox.failed(m.id(), "chat unreachable");
                log.debug("Outbox {} not sent: chat {} is unreachable", m.id(), m.chatId());
                return false;
            }
            // a document sent by reference (an invoice) is read from where its feature keeps it, just now
            Reply reply = documents.resolve(m.reply()).orElse(null);
            if (reply == null) {
                record(m, () -> outbox.failed(m.id(), "the stored document no longer exists"));
                log.warn("Outbox {} for chat {} not sent: its stored document no longer exists", m.id(), m.chatId());
                return false;
            }
            if (ReplyRenderer.counted(reply)) limits.acquire(m.chatId());
            Integer messageId = ReplyRenderer.send(client, m.chatId(), reply);
            metrics.sent();
            recordDelivered(m, messageId, held);
            log.debug("Delivered outbox {} ({}) to chat {}", m.id(), method, m.chatId());
            return true;
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
        }
        // the outcome's record wakes the claim (retryAt, failed, release; a delivery once the recorder has it)
        return false;
    }

    /**
     * Telegram has the message: keep trying to record that (the database may be away for a while), because a row left
     * in SENDING is sent again when its lease ends — the person would read it twice.
     */
    private void recordDelivered(OutboundMessage m, Integer messageId, boolean held) {
        Done done = new Done(new Outbox.Delivery(m.id(), messageId), m.chatId(), held);
        unrecordedById.put(m.id(), done);
        unrecorded.computeIfAbsent(m.chatId(), c -> ConcurrentHashMap.newKeySet()).add(m.id());
        deliveries.add(done);
    }

    /** Put in the deliveries' queue to wake a lingering record: a message of some chat now waits behind one. */
    private static final Done WAKE = new Done(null, 0, false);

    @Override
    public void messageWaits(long chatId) {
        if (unrecorded.containsKey(chatId)) deliveries.add(WAKE);
    }

    private boolean someoneWaits(List<Done> batch) {
        for (Done d : batch) {
            if (outbox.waitsBehind(d.chatId())) return true;
        }
        return false;
    }

    @Override
    public Long[] deliveredNotRecorded(long chatId) {
        Set<Long> ids = unrecorded.get(chatId);
        return ids == null ? new Long[0] : ids.toArray(Long[]::new);
    }

    @Override
    public java.util.Optional<Integer> deliveredMessageId(long outboxId) {
        Done done = unrecordedById.get(outboxId);
        return done == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(done.delivery().transportMessageId());
    }

    private void forgetRecorded(List<Done> batch) {
        for (Done d : batch) {
            unrecordedById.remove(d.delivery().id());
            unrecorded.computeIfPresent(d.chatId(), (chat, ids) -> {
                ids.remove(d.delivery().id());
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    /**
     * Records deliveries in batches: whatever arrived while the previous statement ran, or within the linger after
     * the first, goes in the next one (a transaction per delivered message was a third of the transactions per update). A failed statement is retried
     * until the database is back; the chat's next message is claimed only once its predecessor is recorded.
     */
    private void recordDeliveries() {
        List<Done> batch = new java.util.ArrayList<>();
        while (recording || !deliveries.isEmpty()) {
            try {
                // idle, this wakes once a second only to see whether the sender stops (a tenth of a second was ten
                // wake-ups a second of an idle application)
                Done first = deliveries.poll(1, TimeUnit.SECONDS);
                if (first == null || first == WAKE) continue;
                batch.add(first);
                // a moment for more to join it (at the everyday pace each delivery was a statement of its own), cut
                // short when a message of one of these chats waits behind its delivery for the claim (the outbox says so
                // through messageWaits, which wakes this poll: looking every 5 ms was a percent of a core)
                long until = System.nanoTime() + settings.recordLinger().toNanos();
                for (long left; batch.size() < RECORD_BATCH && (left = until - System.nanoTime()) > 0 && recording
                        && !someoneWaits(batch); ) {
                    Done next = deliveries.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null || next == WAKE) continue;
                    batch.add(next);
                    deliveries.drainTo(batch, RECORD_BATCH - batch.size());
                    batch.removeIf(d -> d == WAKE);
                }
                long backoff = 100;
                for (int attempt = 1; ; attempt++) {
                    try {
                        outbox.deliveredAll(batch.stream().map(Done::delivery).toList());
                        forgetRecorded(batch);
                        if (attempt > 1) log.info("Recorded {} deliveries after {} attempts", batch.size(), attempt);
                        break;
                    } catch (RuntimeException e) {
                        if (!recording) {
                            log.warn("Stopping before {} deliveries were recorded: they are sent again after their lease",
                                    batch.size());
                            break;
                        }
                        if (attempt == 1) {
                            log.warn("Cannot record {} deliveries ({}); retrying", batch.size(), Failures.describe(e));
                        }
                        Thread.sleep(backoff);
                        backoff = Math.min(backoff * 2, 1_000);
                    }
                }
                // the claim looks again when a chat's next message may be due now: after one it took, or when this
                // instance wrote a message that waits behind a handed-over one (a claim per delivery, most finding
                // nothing, was the database's most frequent statement)
                boolean wake = false;
                for (Done d : batch) wake |= !d.held() || outbox.waitsBehind(d.chatId());
                batch.clear();
                if (wake) outbox.signalAfterCommit();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Delivery recorder failed ({}); going on", Failures.describe(e), e);
                batch.clear();
            }
        }
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
