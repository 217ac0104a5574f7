package io.partnerka.conversation;

/** An outbox row claimed by a transport for delivery; {@code unreachable}: the person had blocked the bot when claimed. */
public record OutboundMessage(long id, long chatId, Reply reply, int attempts, boolean unreachable) {
}
