package io.partnerka.knowledge;

import io.partnerka.conversation.Content;
import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code /kb}, {@code /kb <words>} and the "Knowledge base" menu button: sections, articles and Back in one message
 * that is edited in place; search results as buttons. Buttons: {@code kb:home}, {@code kb:s:<section>},
 * {@code kb:a:<section>:<article>}.
 */
@Component
class KbAction implements ChatAction {

    private static final Logger log = LoggerFactory.getLogger(KbAction.class);
    static final String MENU_KEY = "kb.menu";
    static final int RESULTS = 5;
    private final KnowledgeBase kb;
    private final Partners partners;
    private final Content files;

    KbAction(KnowledgeBase kb, Partners partners, Content files) {
        this.kb = kb;
        this.partners = partners;
        this.files = files;
    }

    @Override
    public Set<String> commands() {
        return Set.of("kb");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of(MENU_KEY);
    }

    @Override
    public String callbackPrefix() {
        return "kb";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        KnowledgeBase.Reader reader = reader(ctx);
        boolean callback = ctx.inbound() != null && ctx.inbound().kind() == Inbound.Kind.CALLBACK;
        if (!callback) {
            if (args.isBlank()) home(ctx, reader, null); else search(ctx, reader, args);
            return;
        }
        Integer editOf = ctx.inbound().messageId();
        String[] parts = args.split(":");
        switch (parts[0]) {
            case "home" -> home(ctx, reader, editOf);
            case "s" -> {
                Optional<KbSection> s = parts.length == 2 ? kb.section(parts[1], reader) : Optional.empty();
                if (s.isEmpty()) gone(ctx, reader, editOf); else section(ctx, reader, s.get(), editOf);
            }
            case "a" -> {
                Optional<KbSection> s = parts.length == 3 ? kb.section(parts[1], reader) : Optional.empty();
                Optional<KbSection.Article> a = s.flatMap(x -> kb.article(x, parts[2], reader));
                if (a.isEmpty()) gone(ctx, reader, editOf); else article(ctx, reader, s.get(), a.get(), editOf);
            }
            default -> ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private KnowledgeBase.Reader reader(ChatContext ctx) {
        Optional<PartnerView> p = partners.byUser(ctx.userId()).filter(PartnerView::isApproved);
        return new KnowledgeBase.Reader(p.map(PartnerView::segment).orElse(null), p.map(PartnerView::type).orElse(null),
                ctx.isManager(), ctx.language());
    }

    private void home(ChatContext ctx, KnowledgeBase.Reader reader, Integer editOf) {
        List<KbSection> sections = kb.sections(reader);
        if (sections.isEmpty()) {
            ctx.say("kb.empty");
            return;
        }
        List<List<Button>> rows = new ArrayList<>();
        for (KbSection s : sections) rows.add(List.of(ctx.button("📂 " + kb.text(s.title(), reader.language()), "kb:s:" + s.id())));
        show(ctx, Reply.Text.of(ctx.text("kb.home")).withButtons(rows), editOf);
    }

    private void section(ChatContext ctx, KnowledgeBase.Reader reader, KbSection section, Integer editOf) {
        List<List<Button>> rows = new ArrayList<>();
        for (KbSection.Article a : kb.articles(section, reader)) {
            rows.add(List.of(ctx.button(kb.text(a.title(), reader.language()), "kb:a:" + section.id() + ":" + a.id())));
        }
        rows.add(List.of(ctx.button(ctx.text("kb.back"), "kb:home")));
        show(ctx, Reply.Text.of(ctx.text("kb.section", "title", kb.text(section.title(), reader.language())))
                .withButtons(rows), editOf);
    }

    private void article(ChatContext ctx, KnowledgeBase.Reader reader, KbSection section, KbSection.Article a, Integer editOf) {
        String lang = reader.language();
        List<List<Button>> rows = new ArrayList<>();
        if (a.link() != null) {
            String label = kb.text(a.linkTitle(), lang);
            rows.add(List.of(Button.url(label.isEmpty() ? ctx.text("kb.open-link") : label, a.link())));
        }
        rows.add(List.of(ctx.button(ctx.text("kb.back"), "kb:s:" + section.id())));
        show(ctx, Reply.Text.of(ctx.text("kb.article", "title", kb.text(a.title(), lang),
                "text", new Messages.Trusted(kb.text(a.text(), lang)))).withButtons(rows), editOf);
        if (a.document() != null) {
            try {
                ctx.reply(new Reply.Document(a.document().replaceAll("^.*/", ""), files.bytes(a.document()), null));
            } catch (IOException e) {
                log.error("Knowledge base document {} cannot be read", a.document(), e);
            }
        }
    }

    private void search(ChatContext ctx, KnowledgeBase.Reader reader, String query) {
        String q = query.length() > 200 ? query.substring(0, 200) : query;
        List<KnowledgeBase.Hit> hits = kb.search(q, reader, RESULTS);
        if (hits.isEmpty()) {
            ctx.reply(Reply.Text.of(ctx.text("kb.nothing-found", "query", q)).withButtons(List.of(
                    List.of(ctx.button(ctx.text("kb.all-sections"), "kb:home")))));
            return;
        }
        List<List<Button>> rows = new ArrayList<>();
        for (KnowledgeBase.Hit h : hits) {
            rows.add(List.of(ctx.button(kb.text(h.article().title(), reader.language()),
                    "kb:a:" + h.section().id() + ":" + h.article().id())));
        }
        rows.add(List.of(ctx.button(ctx.text("kb.all-sections"), "kb:home")));
        ctx.reply(Reply.Text.of(ctx.text("kb.found", "query", q)).withButtons(rows));
    }

    private void gone(ChatContext ctx, KnowledgeBase.Reader reader, Integer editOf) {
        ctx.answerCallback(ctx.text("kb.gone"), false);
        home(ctx, reader, editOf);
    }

    private static void show(ChatContext ctx, Reply.Text text, Integer editOf) {
        ctx.reply(editOf == null ? text : text.asEditOf(editOf));
    }
}
