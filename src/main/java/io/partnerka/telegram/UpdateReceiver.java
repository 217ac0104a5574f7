package io.partnerka.telegram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final Inbox inbox;
    private final InboxProcessor processor;
    private final TelegramMetrics metrics;
    private final Object pause = new Object();
    private volatile boolean stopping;

    UpdateReceiver(Inbox inbox, InboxProcessor processor, TelegramMetrics metrics) {
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
            List<Inbox.Row> rows = rows(updates);
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

    private static List<Inbox.Row> rows(List<Update> updates) {
        List<Inbox.Row> rows = new ArrayList<>(updates.size());
        for (Update u : updates) {
            if (u == null || u.getUpdateId() == null) continue;
            UpdateMapping.Route route;
            try {
                route = UpdateMapping.route(u);
            } catch (RuntimeException e) {
                log.warn("Update {} has an unexpected shape and is ignored ({})", u.getUpdateId(), Failures.describe(e));
                route = UpdateMapping.Route.IGNORED;
            }
            rows.add(new Inbox.Row(u.getUpdateId(), route.chatId(), TelegramJson.write(u),
                    route.kind() == UpdateMapping.Kind.IGNORED));
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
