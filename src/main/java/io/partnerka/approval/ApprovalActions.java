package io.partnerka.approval;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** A manager's Approve / Reject buttons ("ap:<id>:ok|no") and the {@code /pending} queue. */
@Component
class ApprovalActions implements ChatAction {

    static final int PAGE = 10;
    private final Approvals approvals;
    private final java.util.List<PendingSection> sections;

    ApprovalActions(Approvals approvals, java.util.List<PendingSection> sections) {
        this.approvals = approvals;
        this.sections = sections;
    }

    @Override
    public Set<String> commands() {
        return Set.of("pending");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("menu.pending");
    }

    @Override
    public String callbackPrefix() {
        return "ap";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) {
            throw new UserError("common.not-manager");
        }
        if (ctx.inbound().kind() != io.partnerka.conversation.Inbound.Kind.CALLBACK) {
            showPending(ctx);
            return;
        }
        String[] parts = args.split(":");
        if (parts.length != 2 || !parts[0].matches("\\d{1,18}")) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        long itemId = Long.parseLong(parts[0]);
        ApprovalView item = approvals.find(itemId).orElseThrow(() -> new UserError("approval.not-found"));
        if (!item.isPending()) {
            throw new UserError("approval.already-decided", Map.of("line", approvals.decisionLine(item, ctx.chatId())));
        }
        switch (parts[1]) {
            case "ok" -> {
                approvals.approve(itemId, Decider.telegram(ctx.userId(), ctx.firstName()));
                ctx.answerCallback(ctx.text("approval.done-approved"), false);
                ctx.say("approval.done-approved-text", "id", item.subjectId(), "kind", ctx.text("approval.kind." + item.kind()));
            }
            case "no" -> ctx.startFlow(RejectReasonFlow.NAME, Map.of("itemId", String.valueOf(itemId)));
            default -> ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private void showPending(ChatContext ctx) {
        List<ApprovalView> items = approvals.pending(PAGE);
        if (!items.isEmpty()) {
            int total = approvals.pendingCount();
            ctx.say(total > items.size() ? "approval.pending-more" : "approval.pending-header",
                    "count", total, "shown", items.size());
            for (ApprovalView item : items) {
                Reply.Text card = approvals.card(item, ctx.chatId(), true);
                ctx.reply(card);
            }
        }
        int more = sections.stream().mapToInt(section -> section.show(ctx)).sum();
        if (items.isEmpty() && more == 0) ctx.say("approval.pending-empty");
    }
}
