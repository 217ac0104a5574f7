/**
 * The offline Telegram: with nothing configured (no bot token, no datasource) or with {@code PARTNERKA_SANDBOX=true},
 * http://127.0.0.1:8080/ is a browser chat that plays Telegram. It builds
 * real TelegramBots {@code Update} objects for what a persona does and feeds them to
 * {@link io.partnerka.telegram.TelegramUpdates}, and it is the {@code TelegramClient} the bot sends through, capturing
 * every Bot API method into in-memory chat histories the page shows. In sandbox mode the server listens on 127.0.0.1
 * only (unless SERVER_ADDRESS and PARTNERKA_SANDBOX=true are set together); nothing here exists in any other mode
 * (see {@link io.partnerka.platform.RunMode}).
 */
package io.partnerka.sandbox;
