/**
 * The offline Telegram: with no bot token, http://localhost:8080/ is a browser chat that plays Telegram. It builds
 * real TelegramBots {@code Update} objects for what a persona does and feeds them to
 * {@link io.partnerka.telegram.TelegramUpdates}, and it is the {@code TelegramClient} the bot sends through, capturing
 * every Bot API method into in-memory chat histories the page shows. Nothing here exists when a token is set.
 */
package io.partnerka.sandbox;
