package io.partnerka.support;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code /questions} (managers): the open questions, oldest first, each with a Reply button. Buttons:
 * {@code sq:r:<thread>} a manager replies, {@code sq:t:<thread>} a manager reads the thread,
 * {@code sq:f:<thread>} the partner writes again in their thread.
 */
@Component
class SupportAction implements ChatAction {

    static final String MANAGER_MENU_KEY = "support.menu-manager";
    static final int LIST_LIMIT = 20;
    private final Support support;
    private final Partners partners;

    SupportAction(Support support, Partners partners) {
        this.support = support;
        this.partners = partners;
    }

    @Override
    public Set<String> commands() {
        return Set.of("questions");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of(MANAGER_MENU_KEY);
    }

    @Override
    public String callbackPrefix() {
        return "sq";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (ctx.inbound() == null || ctx.inbound().kind() != Inbound.Kind.CALLBACK) {
            list(ctx, "all".equalsIgnoreCase(args.strip()));
            return;
        }
        String[] parts = args.split(":");
        if (parts.length != 2 || !parts[1].matches("\\d{1,18}")) {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
            return;
        }
        Optional<SupportThread> thread = support.thread(Long.parseLong(parts[1]));
        if (thread.isEmpty()) {
            ctx.answerCallback(ctx.text("support.no-such-thread"), true);
            return;
        }
        SupportThread t = thread.get();
        switch (parts[0]) {
            case "r" -> reply(ctx, t);
            case "t" -> history(ctx, t);
            case "f" -> {
                if (t.partnerUserId() != ctx.userId()) {
                    ctx.answerCallback(ctx.text("common.button-invalid"), true);
                    return;
                }
                ctx.startFlow(AskManagerFlow.NAME, Map.of("thread", String.valueOf(t.id())));
            }
            default -> ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private void list(ChatContext ctx, boolean all) {
        if (!ctx.isManager()) {
            ctx.say("common.not-manager");
            return;
        }
        if (showOpen(ctx, all) == 0) ctx.say(all ? "support.none-open-all" : "support.none-open");
    }

    /** Lists open questions with Reply buttons; returns how many (nothing is said when there are none). */
    int showOpen(ChatContext ctx, boolean all) {
        List<SupportThread> open = all ? support.allOpen(LIST_LIMIT) : support.open(ctx.userId(), LIST_LIMIT);
        if (open.isEmpty()) return 0;
        StringBuilder lines = new StringBuilder();
        List<List<Button>> rows = new ArrayList<>();
        for (SupportThread t : open) {
            String name = partners.byId(t.partnerId()).map(PartnerView::name).orElse("#" + t.partnerId());
            lines.append("\n\n").append(ctx.text("support.list-line", "id", t.id(), "name", name,
                    "age", support.age(ctx.chatId(), t.waitingSince()), "text", Support.shorten(t.lastText(), 120)));
            rows.add(List.of(ctx.button(ctx.text("support.reply-button") + " #" + t.id() + " " + Support.shorten(name, 24),
                    "sq:r:" + t.id())));
        }
        ctx.reply(Reply.Text.of(ctx.text(all ? "support.list-all" : "support.list", "count", open.size(),
                "lines", new Messages.Trusted(lines.toString()))).withButtons(rows));
        return open.size();
    }

    private void reply(ChatContext ctx, SupportThread t) {
        if (!ctx.isManager()) {
            ctx.answerCallback(ctx.text("common.not-manager"), true);
            return;
        }
        String name = partners.byId(t.partnerId()).map(PartnerView::name).orElse("#" + t.partnerId());
        if (!t.isOpen() && t.answeredByName() != null) ctx.say("support.already-answered", "by", t.answeredByName());
        ctx.say("support.replying-to", "id", t.id(), "name", name, "text", Support.shorten(t.lastText(), 500));
        ctx.startFlow(ManagerReplyFlow.NAME, Map.of("thread", String.valueOf(t.id())));
    }

    private void history(ChatContext ctx, SupportThread t) {
        if (!ctx.isManager()) {
            ctx.answerCallback(ctx.text("common.not-manager"), true);
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Support.Message m : support.messages(t.id(), 10)) {
            String what = m.text() != null ? m.text() : "📎 " + (m.fileName() != null ? m.fileName() : m.fileKind());
            lines.append("\n\n").append(ctx.text("PARTNER".equals(m.author()) ? "support.history-partner" : "support.history-manager",
                    "name", m.authorName() == null ? "—" : m.authorName(), "time", support.time(m.at(), ctx.language()),
                    "text", Support.shorten(what, 600)));
        }
        ctx.reply(Reply.Text.of(ctx.text("support.history", "id", t.id(),
                        "status", ctx.text(t.isOpen() ? "support.status-open" : "support.status-answered"),
                        "lines", new Messages.Trusted(lines.toString())))
                .withButtons(List.of(List.of(ctx.button(ctx.text("support.reply-button"), "sq:r:" + t.id())))));
    }
}
