package io.partnerka.payout;

import io.partnerka.approval.Decider;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import java.math.BigDecimal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The small forms of payouts: a partner's chosen amount, a manager's payment reference, and the reason a manager
 * cancels an approved payout with (the partner reads it).
 */
@Configuration(proxyBeanMethods = false)
class PayoutFlows {

    static final String AMOUNT = "payout.amount";
    static final String PAID = "payout.paid-form";
    static final String CANCEL = "payout.cancel-form";

    record AmountDraft(String currency, String amount) {
    }

    record PaidDraft(long payoutId, String reference) {
    }

    record CancelDraft(long payoutId, String reason) {
    }

    private final BalanceAction balance;
    private final Payouts payouts;

    PayoutFlows(BalanceAction balance, Payouts payouts) {
        this.balance = balance;
        this.payouts = payouts;
    }

    @Bean
    Flow payoutAmountFlow() {
        return () -> FlowDefinition.of(AMOUNT, AmountDraft.class)
                .ask("amount", "payout.ask-amount", Input.amount(new BigDecimal("1000000000")))
                .complete((ctx, d) -> balance.confirm(ctx, new BigDecimal(d.amount()), d.currency()));
    }

    @Bean
    Flow payoutPaidFlow() {
        return () -> FlowDefinition.of(PAID, PaidDraft.class)
                .ask("reference", "payout.ask-reference", Input.text(1, 200).optional())
                .complete((ctx, d) -> {
                    PayoutView v = payouts.markPaid(d.payoutId(), Decider.telegram(ctx.userId(), ctx.firstName()), d.reference());
                    ctx.say("payout.marked-paid", "id", v.id(), "number", v.invoiceNumber());
                });
    }

    @Bean
    Flow payoutCancelFlow() {
        return () -> FlowDefinition.of(CANCEL, CancelDraft.class)
                .ask("reason", "payout.ask-cancel-reason", Input.text(2, Payouts.MAX_CANCEL_REASON))
                .complete((ctx, d) -> {
                    PayoutView v = payouts.cancel(d.payoutId(), Decider.telegram(ctx.userId(), ctx.firstName()), d.reason());
                    ctx.say("payout.cancelled-manager", "id", v.id(), "number", v.invoiceNumber());
                });
    }
}
