package io.partnerka.support;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.ReplyHandler;
import org.springframework.stereotype.Component;

/** A manager answers a question by replying (Telegram's "Reply") to the forwarded question or its file. */
@Component
class ReplyToQuestion implements ReplyHandler {

    private final Support support;

    ReplyToQuestion(Support support) {
        this.support = support;
    }

    @Override
    public boolean onReply(ChatContext ctx, int replyToMessageId) {
        Inbound in = ctx.inbound();
        if (!ctx.isManager() || in.kind() != Inbound.Kind.TEXT) return false;
        return support.answerByReply(ctx.userId(), ManagerReplyFlow.managerName(ctx), replyToMessageId, in.text()).map(thread -> {
            ctx.say("support.reply-sent");
            return true;
        }).orElse(false);
    }
}
