package io.partnerka.support;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import org.springframework.stereotype.Component;

/** A manager pressed Reply under a question: the next message is the answer that goes to the partner. */
@Component
class ManagerReplyFlow implements Flow {

    static final String NAME = "support-reply";
    private final Support support;

    ManagerReplyFlow(Support support) {
        this.support = support;
    }

    record ReplyDraft(String text, String thread) {
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, ReplyDraft.class)
                .guard(ChatContext::isManager)
                .ask("text", "support.reply-prompt", Input.text(1, Support.MAX_TEXT))
                .complete((ctx, draft) -> {
                    support.answer(ctx.userId(), managerName(ctx), Long.parseLong(draft.thread()), draft.text());
                    ctx.showMenu("support.reply-sent");
                });
    }

    /** How an answer is signed, whichever way it was given (this flow or Telegram's Reply): "Max (@max)". */
    static String managerName(ChatContext ctx) {
        String name = ctx.firstName() == null || ctx.firstName().isBlank() ? "#" + ctx.userId() : ctx.firstName();
        return ctx.username() == null ? name : name + " (@" + ctx.username() + ")";
    }
}
