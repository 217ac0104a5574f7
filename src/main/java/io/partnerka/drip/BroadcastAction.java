package io.partnerka.drip;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Formats;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Buttons around broadcasts: the manager's Send / Cancel under the preview ({@code bcast:send:<id>}), "send now
 * anyway" under a broadcast waiting for the quiet hours to end ({@code bcast:now:<id>}), the inert
 * RSVP buttons of the preview, and a partner's RSVP answer ({@code rsvp:<id>:<answer>}, a second action below).
 */
@Component
class BroadcastAction implements ChatAction {

    static final String PREFIX = "bcast";
    private final Broadcasts broadcasts;
    private final Formats formats;

    BroadcastAction(Broadcasts broadcasts, Formats formats) {
        this.broadcasts = broadcasts;
        this.formats = formats;
    }

    @Override
    public String callbackPrefix() {
        return PREFIX;
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (!ctx.isManager()) {
            ctx.answerCallback(ctx.text("common.not-manager"), true);
            return;
        }
        String[] parts = args.split(":");
        if (parts[0].equals("noop")) {
            ctx.answerCallback(ctx.text("drip.broadcast.preview-button"), false);
            return;
        }
        long id = Long.parseLong(parts[1]);
        if (parts[0].equals("send")) {
            Broadcasts.View b = broadcasts.confirm(id, ctx.chatId());
            if (b.waiting() && broadcasts.inQuietHours()) {
                // the progress message below says the same and carries "send now anyway" where allowed
                ctx.answerCallback(ctx.text("drip.broadcast.started-later", "count", b.total(),
                        "at", formats.dateTime(broadcasts.startsAt(), ctx.language())), false);
            } else {
                ctx.answerCallback(ctx.text("drip.broadcast.started", "count", b.total()), false);
            }
        } else if (parts[0].equals("now")) {
            boolean now = broadcasts.sendNow(id);
            ctx.answerCallback(ctx.text(now ? "drip.broadcast.sending-now" : "drip.broadcast.already-confirmed"), !now);
        } else if (parts[0].equals("cancel")) {
            boolean cancelled = broadcasts.cancel(id);
            ctx.showMenu(cancelled ? "drip.broadcast.cancelled" : "drip.broadcast.already-confirmed");
        }
    }

    /** A partner answers a broadcast's RSVP buttons; the answer can be changed, the message shows the choice. */
    @Component
    static class Rsvp implements ChatAction {
        private final Broadcasts broadcasts;

        Rsvp(Broadcasts broadcasts) {
            this.broadcasts = broadcasts;
        }

        @Override
        public String callbackPrefix() {
            return Broadcasts.RSVP_PREFIX;
        }

        @Override
        public Set<String> commands() {
            return Set.of();
        }

        @Override
        public void run(ChatContext ctx, String args) {
            String[] parts = args.split(":");
            if (parts.length != 2 || !parts[0].matches("\\d{1,18}")
                    || !broadcasts.rsvp(Long.parseLong(parts[0]), ctx.userId(), parts[1])) {
                ctx.answerCallback(ctx.text("common.button-stale"), true);
                return;
            }
            ctx.answerCallback(ctx.text("drip.rsvp.noted", "answer", ctx.text("drip.rsvp." + parts[1])), false);
            Integer messageId = ctx.inbound() == null ? null : ctx.inbound().messageId();
            if (messageId != null) {
                broadcasts.find(Long.parseLong(parts[0])).ifPresent(b ->
                        ctx.reply(broadcasts.message(b, ctx.chatId(), ctx.language(), parts[1]).asEditOf(messageId)));
            }
        }
    }
}
