package io.partnerka.deal;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.UserError;
import io.partnerka.conversation.Formats;
import java.util.Map;

/** The end of a manager's move flow: apply it unless the deal changed meanwhile, then show the fresh card. */
final class ManagerMoves {

    private ManagerMoves() {
    }

    static void apply(ChatContext ctx, Deals deals, DealCards cards, long dealId, int version, DealChange change) {
        DealView now = deals.find(dealId).orElseThrow(() -> new UserError("deal.not-found", Map.of("id", dealId)));
        if (now.version() != version) {
            // someone else moved it while this manager typed: nothing happens, the card shows the deal as it is
            ctx.say("deal.manager.card-outdated", "id", now.id(), "status", cards.status(now.status(), ctx.language()));
            ctx.reply(cards.managerCard(now, ctx.chatId(), null));
            return;
        }
        ChangeResult result = deals.change(dealId, change);
        DealView d = result.deal();
        String lang = ctx.language();
        if (d.status().equals(deals.pipeline().paid())) {
            var commission = deals.commission(dealId);
            ctx.say("deal.manager.paid-done", "id", d.id(), "amount", DealCards.amount(d.amount(), d.currency(), lang),
                    "commission", commission.<Object>map(c -> DealCards.amount(c.amount(), c.currency(), lang)).orElse(DealCards.NONE),
                    "rate", commission.<Object>map(c -> Formats.percent(c.rate(), lang)).orElse(DealCards.NONE),
                    "tier", commission.<Object>map(c -> ctx.text("money.tier." + c.tier())).orElse(DealCards.NONE));
        } else {
            ctx.say("deal.manager.moved", "id", d.id(), "status", cards.status(d.status(), lang));
        }
        ctx.reply(cards.managerCard(d, ctx.chatId(), null));
    }
}
