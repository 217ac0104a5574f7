package io.partnerka.deal;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import java.math.BigDecimal;
import org.springframework.stereotype.Component;

/**
 * Moving a deal to paid: the amount (positive, at most two decimals, at most {@code partnerka.deal.max-amount}), the
 * currency (when more than one is configured), an optional comment, and a confirm screen.
 */
@Component
class PayFlow implements Flow {

    static final String NAME = "deal.pay";

    private final Deals deals;
    private final DealCards cards;
    private final DealSettings settings;
    private final Pipeline pipeline;

    PayFlow(Deals deals, DealCards cards, DealSettings settings, Pipeline pipeline) {
        this.deals = deals;
        this.cards = cards;
        this.settings = settings;
        this.pipeline = pipeline;
    }

    record PayDraft(long deal, int version, String amount, String currency, String comment) {
    }

    @Override
    public FlowDefinition<?> definition() {
        FlowDefinition<PayDraft> flow = FlowDefinition.of(NAME, PayDraft.class)
                .guard(ChatContext::isManager)
                .ask("amount", "deal.pay.ask-amount", Input.amount(settings.maxAmount,
                        settings.currencies.size() > 1 ? null : settings.defaultCurrency()));
        if (settings.currencies.size() > 1) {
            flow.ask("currency", "deal.pay.ask-currency", Input.choice(settings.currencies.stream()
                    .map(c -> Input.Option.literal(c, c + " " + io.partnerka.conversation.Formats.currencySymbol(c))).toList()));
        }
        return flow.ask("comment", "deal.manager.ask-comment", Input.text(1, 1000).optional())
                .confirm(settings.currencies.size() > 1 ? "deal.pay.confirm" : "deal.pay.confirm-single", this::pay);
    }

    private void pay(ChatContext ctx, PayDraft draft) {
        String currency = draft.currency() == null ? settings.defaultCurrency() : draft.currency();
        ManagerMoves.apply(ctx, deals, cards, draft.deal(), draft.version(),
                new DealChange(pipeline.paid(), new BigDecimal(draft.amount()), currency, draft.comment(), false,
                        draft.version(), DealChange.MANAGER, ctx.userId(), ctx.firstName()));
    }
}
