package io.partnerka.conversation;

/** An outbox row claimed by a transport for delivery. */
public record OutboundMessage(long id, long chatId, Reply reply, int attempts) {
}
