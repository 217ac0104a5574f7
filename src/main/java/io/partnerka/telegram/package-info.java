/**
 * The Telegram adapter: long polling or webhook in, the inbox, per-chat ordered processing, Update to Inbound,
 * Reply to Bot API methods, and the rate-limited outbound sender.
 *
 * <p>Public face: {@link io.partnerka.telegram.TelegramUpdates} (the one entry for updates, used by the poller, the
 * webhook and the sandbox) and {@link io.partnerka.telegram.BotIdentity} (the bot's username, deep links).
 *
 * <p>Modes: with {@code partnerka.telegram.token} the Bot API client ({@code OkHttpTelegramClient}) is a bean and
 * updates come by long polling, or by {@code POST /telegram/webhook} when {@code partnerka.telegram.webhook-url} is
 * set. Without a token (sandbox) another module supplies the {@code TelegramClient} and calls
 * {@link io.partnerka.telegram.TelegramUpdates#receive}; the inbox, the workers and the sender are the same.
 */
package io.partnerka.telegram;
