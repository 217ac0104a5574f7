package io.partnerka.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.util.DefaultGetUpdatesGenerator;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * Long polling with TelegramBots' poller. Its consumer only records the batch in the inbox: the poller asks for the
 * next batch (which confirms this one to Telegram) only once that is done. Starting is retried in the background
 * (it first calls deleteWebhook, which needs Telegram to be reachable).
 */
@Component
@Conditional(TelegramModes.OnPolling.class)
class LongPolling implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LongPolling.class);
    /** What the bot reads; everything else Telegram would send is left out. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query", "my_chat_member");

    private final TelegramProperties properties;
    private final TelegramUrl url;
    private final TelegramUpdates updates;
    private final Object lock = new Object();
    private TelegramBotsLongPollingApplication app;
    private ScheduledExecutorService pollerThread;
    private Thread starter;
    private volatile boolean running;

    LongPolling(TelegramProperties properties, TelegramUrl url, TelegramUpdates updates) {
        this.properties = properties;
        this.url = url;
        this.updates = updates;
    }

    @Override
    public void start() {
        running = true;
        starter = InboxProcessor.threads("telegram-polling-start-").newThread(this::startPolling);
        starter.start();
    }

    private void startPolling() {
        long backoff = 1_000;
        while (running) {
            synchronized (lock) {
                if (!running) return;
                try {
                    pollerThread = Executors.newSingleThreadScheduledExecutor(InboxProcessor.threads("telegram-poller-"));
                    ScheduledExecutorService executor = pollerThread;
                    app = new TelegramBotsLongPollingApplication(ObjectMapper::new, LongPolling::httpClient, () -> executor);
                    app.registerBot(properties.token().strip(), () -> url, new DefaultGetUpdatesGenerator(ALLOWED_UPDATES),
                            updates::receive);
                    log.info("Long polling started");
                    return;
                } catch (Exception e) {
                    log.warn("Cannot start long polling ({}); retrying in {} s", Failures.describe(e), backoff / 1000);
                    closeQuietly();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 60_000);
        }
    }

    /** getUpdates waits up to 50 s for news: reads may take longer than that; connecting may not. */
    private static OkHttpClient httpClient() {
        return new OkHttpClient.Builder().connectTimeout(10, TimeUnit.SECONDS).readTimeout(75, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS).build();
    }

    @Override
    public void stop() {
        running = false;
        if (starter != null) starter.interrupt();
        synchronized (lock) {
            closeQuietly();
        }
        log.info("Long polling stopped");
    }

    private void closeQuietly() {
        try {
            if (app != null) app.close();
        } catch (Exception e) {
            log.debug("Closing the poller: {}", Failures.describe(e));
        }
        if (pollerThread != null) pollerThread.shutdownNow();
        app = null;
        pollerThread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the workers (and the web server) are up; stops before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }
}
