package io.partnerka.deal;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The manager's side: {@code /deal <id>} (the card with buttons for the next statuses), {@code /deals} (open deals,
 * the longest unchanged first) and the card's buttons "dm:c|m|r|o:<id>:<version>[:<status>]": c shows the card,
 * m moves forward (paid asks for the amount), r offers a reopen, o reopens to a status. A button from an older card
 * (the deal changed since: someone pressed "paid" already) changes nothing and shows the card as it is now.
 * Non-managers are refused without a hint.
 */
@Component
class ManagerDealActions implements ChatAction {

    private static final int LIST_LIMIT = 20;

    private final Deals deals;
    private final DealStore store;
    private final Pipeline pipeline;
    private final DealCards cards;

    ManagerDealActions(Deals deals, DealStore store, Pipeline pipeline, DealCards cards) {
        this.deals = deals;
        this.store = store;
        this.pipeline = pipeline;
        this.cards = cards;
    }

    @Override
    public Set<String> commands() {
        return Set.of("deal", "deals");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("deal.menu.deals");
    }

    @Override
    public String callbackPrefix() {
        return DealCards.MANAGER_PREFIX;
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) throw new UserError("common.not-manager");
        Inbound in = ctx.inbound();
        if (in.kind() == Inbound.Kind.CALLBACK) {
            onButton(ctx, args);
        } else if ("deal".equals(in.command())) {
            String a = args.strip().replaceFirst("^#", "");
            if (!a.matches("\\d{1,18}")) {
                ctx.say("deal.manager.usage");
                return;
            }
            ctx.reply(cards.managerCard(existing(Long.parseLong(a)), ctx.chatId(), null));
        } else {
            showOpenDeals(ctx);
        }
    }

    private void showOpenDeals(ChatContext ctx) {
        List<DealView> open = store.inStatuses(pipeline.open(), LIST_LIMIT);
        if (open.isEmpty()) {
            ctx.say("deal.manager.no-open-deals");
            return;
        }
        List<Button> buttons = new ArrayList<>();
        for (DealView d : open) {
            buttons.add(ctx.button("#" + d.id() + " " + d.clientName() + " · " + cards.status(d.status(), ctx.language()),
                    DealCards.MANAGER_PREFIX + ":c:" + d.id() + ":" + d.version()));
        }
        ctx.reply(Reply.Text.of(ctx.text("deal.manager.open-deals", "count", open.size())).withButtons(DealCards.rows(buttons, 1)));
    }

    private void onButton(ChatContext ctx, String args) {
        String[] p = args.split(":");
        if (p.length < 3 || !p[1].matches("\\d{1,18}") || !p[2].matches("\\d{1,9}")) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        DealView d = existing(Long.parseLong(p[1]));
        int version = Integer.parseInt(p[2]);
        String target = p.length > 3 ? p[3] : null;
        switch (p[0]) {
            case "c" -> ctx.reply(cards.managerCard(d, ctx.chatId(), null));
            case "m" -> {
                Pipeline.Move move = target == null ? Pipeline.Move.NOT_ALLOWED : pipeline.move(d.status(), target);
                boolean forward = move == Pipeline.Move.FORWARD || move == Pipeline.Move.LOST || move == Pipeline.Move.REFUND;
                if (d.version() != version || !forward) {
                    outdated(ctx, d);
                } else if (target.equals(pipeline.paid())) {
                    ctx.say("deal.manager.pay-intro", "id", d.id(), "name", d.clientName());
                    ctx.startFlow(PayFlow.NAME, Map.of("deal", String.valueOf(d.id()), "version", String.valueOf(version)));
                } else {
                    startMove(ctx, d, target, false);
                }
            }
            case "r" -> {
                if (d.version() != version || pipeline.reopenTargets(d.status()).isEmpty()) outdated(ctx, d);
                else ctx.reply(cards.reopenChoice(d, ctx.chatId()));
            }
            case "o" -> {
                if (d.version() != version || target == null || !pipeline.reopenTargets(d.status()).contains(target)) outdated(ctx, d);
                else startMove(ctx, d, target, true);
            }
            default -> ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private void startMove(ChatContext ctx, DealView d, String target, boolean reopen) {
        ctx.say(reopen ? "deal.manager.reopen-intro" : "deal.manager.move-intro", "id", d.id(), "name", d.clientName(),
                "from", cards.status(d.status(), ctx.language()), "to", cards.status(target, ctx.language()));
        ctx.startFlow(MoveFlow.NAME, Map.of("deal", String.valueOf(d.id()), "version", String.valueOf(d.version()),
                "target", target, "reopen", String.valueOf(reopen)));
    }

    /** The deal changed since this card was shown: nothing happens, the manager sees it as it is now. */
    private void outdated(ChatContext ctx, DealView d) {
        ctx.answerCallback(ctx.text("deal.manager.card-outdated-short"), false);
        ctx.say("deal.manager.card-outdated", "id", d.id(), "status", cards.status(d.status(), ctx.language()));
        ctx.reply(cards.managerCard(d, ctx.chatId(), null));
    }

    private DealView existing(long id) {
        return deals.find(id).orElseThrow(() -> new UserError("deal.not-found", Map.of("id", id)));
    }
}
