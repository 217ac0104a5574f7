package io.partnerka.drip;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Input.Option;
import io.partnerka.conversation.Reply;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A manager's {@code /broadcast}: the audience, RSVP buttons or not, then the text (Telegram HTML as written); then a
 * preview exactly as partners will see it and a Send / Cancel card. The text is asked last so that a text with broken
 * HTML is refused while the manager is still at that question.
 */
@Component
class BroadcastFlow implements Flow {

    static final String NAME = "broadcast";

    private final Broadcasts broadcasts;
    private final ProgramData data;

    BroadcastFlow(Broadcasts broadcasts, ProgramData data) {
        this.broadcasts = broadcasts;
        this.data = data;
    }

    /** What the manager answered. */
    record BroadcastDraft(String audience, String rsvp, String text) {
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, BroadcastDraft.class)
                .startOn("broadcast").menu("drip.menu.broadcast")
                .guard(ctx -> {
                    if (ctx.isManager()) return true;
                    ctx.say("common.not-manager");
                    return false;
                })
                .ask("audience", "drip.broadcast.ask-audience", Input.choice(this::audiences))
                .ask("rsvp", "drip.broadcast.ask-rsvp", Input.choice(List.of(
                        Option.of("yes", "drip.broadcast.rsvp-yes"), Option.of("no", "drip.broadcast.rsvp-no"))))
                .ask("text", "drip.broadcast.ask-text", Input.text(1, 3500))
                .complete(this::preview);
    }

    private List<Option> audiences(ChatContext ctx) {
        List<Audience> all = new ArrayList<>(List.of(Audience.ALL, new Audience(Audience.Kind.ACTIVE, null),
                new Audience(Audience.Kind.INACTIVE, null)));
        List<String> types = data.typesInUse();
        types.forEach(t -> all.add(new Audience(Audience.Kind.TYPE, t)));
        List<String> segments = data.segmentsInUse();
        if (!segments.equals(types)) segments.forEach(s -> all.add(new Audience(Audience.Kind.SEGMENT, s)));
        return all.stream().map(a -> Option.literal(a.encode(), ctx.text("drip.broadcast.audience-option",
                "audience", broadcasts.audienceLabel(ctx.language(), a), "count", broadcasts.audienceSize(a).reachable()))).toList();
    }

    private void preview(ChatContext ctx, BroadcastDraft draft) {
        Audience audience = Audience.decode(draft.audience());
        boolean rsvp = "yes".equals(draft.rsvp());
        long id = broadcasts.draft(ctx.userId(), audience, rsvp, draft.text());
        ctx.say("drip.broadcast.preview-follows");
        Reply.Text preview = Reply.Text.of(draft.text());
        if (rsvp) {
            preview = preview.withButtons(List.of(Broadcasts.ANSWERS.stream()
                    .map(a -> ctx.button(ctx.text("drip.rsvp." + a), BroadcastAction.PREFIX + ":noop")).toList()));
        }
        ctx.reply(preview);
        ProgramData.AudienceSize size = broadcasts.audienceSize(audience);
        List<Button> buttons = List.of(ctx.button(ctx.text("drip.broadcast.send"), BroadcastAction.PREFIX + ":send:" + id),
                ctx.button(ctx.text("common.cancel"), BroadcastAction.PREFIX + ":cancel:" + id));
        String confirm = ctx.text("drip.broadcast.confirm", "audience", broadcasts.audienceLabel(ctx.language(), audience),
                "count", size.reachable(), "rsvp", ctx.text(rsvp ? "drip.broadcast.rsvp-yes" : "drip.broadcast.rsvp-no"));
        // those known to have blocked the bot are not counted in, but the manager learns how many there are
        if (size.unreachable() > 0) confirm += "\n" + ctx.text("drip.broadcast.unreachable-note", "count", size.unreachable());
        ctx.reply(Reply.Text.of(confirm)
                .withButtons(List.of(buttons)));
    }
}
