package io.partnerka.conversation;

/**
 * Takes a person's reply (Telegram's "reply to message") to one of the bot's messages, when no flow is active —
 * e.g. a manager answering a partner's question by replying to it.
 */
public interface ReplyHandler {

    /** Returns true when the message replied to was this module's and the reply was handled. */
    boolean onReply(ChatContext ctx, int replyToMessageId);
}
