package io.partnerka.deal;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import org.springframework.stereotype.Component;

/** A manager's move (forward, lost, refund or reopen) asks for an optional comment the partner will read. */
@Component
class MoveFlow implements Flow {

    static final String NAME = "deal.move";

    private final Deals deals;
    private final DealCards cards;

    MoveFlow(Deals deals, DealCards cards) {
        this.deals = deals;
        this.cards = cards;
    }

    record MoveDraft(long deal, int version, String target, boolean reopen, String comment) {
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, MoveDraft.class)
                .guard(ChatContext::isManager)
                .ask("comment", "deal.manager.ask-comment", Input.text(1, 1000).optional())
                .complete(this::move);
    }

    private void move(ChatContext ctx, MoveDraft draft) {
        ManagerMoves.apply(ctx, deals, cards, draft.deal(), draft.version(),
                new DealChange(draft.target(), null, null, draft.comment(), draft.reopen(), draft.version(), DealChange.MANAGER,
                        ctx.userId(), ctx.firstName()));
    }
}
