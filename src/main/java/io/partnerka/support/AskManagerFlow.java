package io.partnerka.support;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.Partners;
import org.springframework.stereotype.Component;

/**
 * "Question to my manager" (and {@code /ask}): the partner writes the question, it goes to their manager. Started
 * with a thread id in the draft, the partner writes again in that thread ("Write back" under an answer).
 */
@Component
class AskManagerFlow implements Flow {

    static final String NAME = "support-ask";
    static final String MENU_KEY = "support.menu";
    private final Support support;
    private final Partners partners;

    AskManagerFlow(Support support, Partners partners) {
        this.support = support;
        this.partners = partners;
    }

    record AskDraft(String text, String textKind, String textFileId, String textFileName, String thread) {

        Attachment attachment() {
            return textFileId == null ? null : new Attachment(textKind.toUpperCase(java.util.Locale.ROOT), textFileId, textFileName);
        }
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, AskDraft.class)
                .startOn("ask").menu(MENU_KEY)
                .guard(this::mayAsk)
                .ask("text", "support.ask-prompt", Input.message(Support.MAX_TEXT))
                .complete((ctx, draft) -> {
                    support.ask(ctx.userId(), draft.text(), draft.attachment(), draft.thread() == null ? null : Long.valueOf(draft.thread()));
                    ctx.showMenu("support.asked");
                });
    }

    private boolean mayAsk(ChatContext ctx) {
        if (ctx.isManager()) {
            ctx.say("support.for-partners");
            return false;
        }
        try {
            partners.approvedPartner(ctx.userId());
            return true;
        } catch (UserError refusal) {
            ctx.showMenu(refusal.key());
            return false;
        }
    }
}
