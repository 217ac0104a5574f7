package io.partnerka.telegram;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/** Webhook mode: tells Telegram where to post updates (with the secret), retrying in the background until it took. */
@Component
@Conditional(TelegramModes.OnWebhook.class)
class WebhookRegistration implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookRegistration.class);

    private final TelegramClient client;
    private final TelegramProperties properties;
    private final WebhookSecret secret;
    private Thread worker;
    private volatile boolean running;

    WebhookRegistration(TelegramClient client, TelegramProperties properties) {
        this.client = client;
        this.properties = properties;
        this.secret = WebhookSecret.of(properties);
    }

    @Override
    public void start() {
        running = true;
        worker = InboxProcessor.threads("telegram-webhook-").newThread(this::register);
        worker.start();
    }

    private void register() {
        SetWebhook setWebhook = SetWebhook.builder().url(properties.webhookUrl().strip()).secretToken(secret.value())
                .allowedUpdates(LongPolling.ALLOWED_UPDATES).build();
        long backoff = 1_000;
        while (running) {
            try {
                client.execute(setWebhook);
                log.info("Webhook registered at {}", Failures.redact(properties.webhookUrl()));
                return;
            } catch (Exception e) {
                log.warn("Cannot register the webhook ({}); retrying in {} s", Failures.describe(e), backoff / 1000);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 60_000);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) worker.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Once the web server accepts the calls Telegram will make. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }
}
