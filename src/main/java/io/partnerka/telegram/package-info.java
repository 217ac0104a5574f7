/**
 * The Telegram adapter: long polling or webhook in, the inbox, per-chat ordered processing, Update to Inbound,
 * Reply to Bot API methods, and the rate-limited outbound sender.
 */
package io.partnerka.telegram;
