package io.partnerka.support;

import io.partnerka.approval.PendingSection;
import io.partnerka.conversation.ChatContext;
import org.springframework.stereotype.Component;

/** A manager's unanswered questions appear in {@code /pending} beside the approvals. */
@Component
class PendingQuestions implements PendingSection {

    private final SupportAction questions;

    PendingQuestions(SupportAction questions) {
        this.questions = questions;
    }

    @Override
    public int show(ChatContext ctx) {
        return questions.showOpen(ctx, false);
    }
}
