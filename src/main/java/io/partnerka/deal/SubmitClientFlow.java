package io.partnerka.deal;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.MiniAppLinks;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.training.Training;
import java.util.List;
import org.springframework.stereotype.Component;

/** Submit a client: name, phone, what they need (the catalog), an optional comment, a confirm screen with edit. */
@Component
class SubmitClientFlow implements Flow {

    static final String NAME = "deal.submit";

    private final Deals deals;
    private final Catalog catalog;
    private final DealCards cards;
    private final DealSettings settings;
    private final Training training;
    private final MiniAppLinks miniApp;

    SubmitClientFlow(Deals deals, Catalog catalog, DealCards cards, DealSettings settings, Training training,
                     MiniAppLinks miniApp) {
        this.miniApp = miniApp;
        this.deals = deals;
        this.training = training;
        this.catalog = catalog;
        this.cards = cards;
        this.settings = settings;
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, ClientDraft.class)
                .startOn("client").menu("deal.menu.submit")
                .guard(this::maySubmit)
                .ask("name", "deal.submit.ask-name", Input.text(2, 120))
                .ask("phone", "deal.submit.ask-phone", Input.otherPersonsPhone(settings.phoneRegion,
                        (ctx, phone) -> deals.phoneRefusal(ctx.userId(), phone)))
                .ask("product", "deal.submit.ask-product", Input.choice(ctx -> catalog.products().stream()
                        .map(p -> Input.Option.literal(p.id(), catalog.title(p.id(), ctx.language()))).toList()))
                .ask("comment", "deal.submit.ask-comment", Input.text(1, 1000).optional())
                .confirm("deal.submit.confirm", this::submit);
    }

    /** Only approved partners who pass every gate (e.g. training) start; the others read why. */
    private boolean maySubmit(ChatContext ctx) {
        try {
            deals.submitter(ctx.userId());
        } catch (UserError refusal) {
            if (TrainingGate.REFUSAL.equals(refusal.key())) {
                ctx.reply(training.gateReply(ctx)); // with a button that opens each missing course
            } else {
                ctx.say(refusal.key(), refusal.args());
            }
            ctx.showMenu("common.menu");
            return false;
        }
        ctx.say("deal.submit.intro");
        return true;
    }

    private void submit(ChatContext ctx, ClientDraft draft) {
        Deals.Submission s = deals.submit(ctx.userId(), draft);
        DealView d = s.deal();
        if (s.existing()) {
            ctx.say("deal.submit.already-yours", "id", d.id(), "name", d.clientName());
            ctx.reply(Reply.Text.of(cards.partnerCard(d, ctx.language()))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("deal.list.open-card-back"), ClientActions.PREFIX + ":l:all:0")))));
        } else {
            Reply.Text done = Reply.Text.of(ctx.text("deal.submit.done", "id", d.id(), "name", d.clientName(),
                    "status", cards.status(d.status(), ctx.language())));
            // where Telegram can open the Mini App, the client list is one tap away
            ctx.reply(miniApp.button(ctx.text("deal.submit.open-mini-app"), "clients")
                    .map(b -> done.withButtons(List.of(List.of(b)))).orElse(done));
        }
        ctx.showMenu("common.menu");
    }
}
