package io.partnerka.approval;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import org.springframework.stereotype.Component;

/** Reject asks for an optional reason, then decides. */
@Component
class RejectReasonFlow implements Flow {

    static final String NAME = "approval-reject";
    private final Approvals approvals;

    RejectReasonFlow(Approvals approvals) {
        this.approvals = approvals;
    }

    record RejectDraft(long itemId, String reason) {
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, RejectDraft.class)
                .ask("reason", "approval.ask-reason", Input.text(2, 1000).optional())
                .complete(this::reject);
    }

    private void reject(ChatContext ctx, RejectDraft draft) {
        approvals.reject(draft.itemId(), Decider.telegram(ctx.userId(), ctx.firstName()), draft.reason());
        ApprovalView item = approvals.find(draft.itemId()).orElseThrow();
        ctx.say("approval.done-rejected-text", "id", item.subjectId(), "kind", ctx.text("approval.kind." + item.kind()));
    }
}
