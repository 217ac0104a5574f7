package io.partnerka.telegram;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code partnerka.telegram.*}. Without a token the bot runs in sandbox mode: another module supplies the
 * {@code TelegramClient} and feeds updates; the inbox, the workers and the sender work the same.
 *
 * @param token         the BotFather token (TELEGRAM_BOT_TOKEN); never logged
 * @param apiUrl        scheme://host:port of the Bot API server (TELEGRAM_API_URL)
 * @param webhookUrl    public URL of {@code POST /telegram/webhook}; when set, webhook mode instead of long polling
 * @param webhookSecret the secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token; derived from the token
 *                      when empty, so a webhook is never open to anyone
 * @param workers       threads that process updates (one chat at a time each, chats in parallel)
 * @param sweepInterval how often unprocessed inbox rows are looked for (after a crash, a failure, another instance)
 * @param inboxRetention how long processed inbox rows are kept to recognise redelivered updates
 * @param commands      the command menu (descriptions are the messages {@code telegram.command.<name>})
 * @param managerCommands the command menu in managers' chats (their own scope, so partners never see them)
 * @param botUsername   the bot's username until getMe answers (deep links are built from it)
 * @param processOnReceipt private updates are processed as they arrive (the poller or the webhook waits), each recorded
 *                      as processed in the transaction that does its work, an answer's chats spread over the workers
 *                      and each worker's share committed together; false: every update is recorded first and taken
 *                      from the inbox by the workers (one transaction and three statements more an update)
 * @param onReceiptMax  the largest getUpdates answer processed on receipt (Telegram's hold at most 100); a larger one
 *                      is recorded in one statement for the workers
 */
@ConfigurationProperties("partnerka.telegram")
record TelegramProperties(String token, @DefaultValue("https://api.telegram.org") String apiUrl, String webhookUrl,
                          String webhookSecret, @DefaultValue("8") int workers,
                          @DefaultValue("2s") Duration sweepInterval, @DefaultValue("2d") Duration inboxRetention,
                          @DefaultValue({"start", "menu", "help", "language", "cancel"}) List<String> commands,
                          @DefaultValue({"pending", "menu", "help", "language", "cancel"}) List<String> managerCommands,
                          String botUsername, @DefaultValue Rate rate, @DefaultValue Sender sender,
                          @DefaultValue("true") boolean processOnReceipt, @DefaultValue("100") int onReceiptMax) {

    boolean hasToken() {
        return token != null && !token.isBlank();
    }

    boolean webhookMode() {
        return hasToken() && webhookUrl != null && !webhookUrl.isBlank();
    }

    /**
     * Outbound rate limits of the Bot API (about 30 messages a second overall, one a second per chat). They apply
     * only when talking to a real Bot API server (a token is set); {@code enabled=false} turns them off, e.g. for
     * benchmarks against a local server.
     */
    record Rate(@DefaultValue("true") boolean enabled, @DefaultValue("30") double globalPerSecond,
                @DefaultValue("1") double perChatPerSecond, @DefaultValue("3") int perChatBurst) {
    }

    /**
     * @param concurrency  Bot API calls in flight at once
     * @param maxAttempts  tries of one message on 5xx and network errors before it is given up
     * @param maxBackoff   the longest wait between two tries
     * @param recordLinger how long a delivery waits for others to be recorded with it in one statement (longer: fewer
     *                     statements, and more messages sent again after a crash, whose delivery was not yet recorded)
     */
    record Sender(@DefaultValue("8") int concurrency, @DefaultValue("8") int maxAttempts,
                  @DefaultValue("60s") Duration maxBackoff, @DefaultValue("100ms") Duration recordLinger) {
    }
}
