package io.partnerka.knowledge;

import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The knowledge base for screens other than the chat (the Mini App): the same sections, articles, visibility by
 * segment and search as {@code /kb}, as plain values. An article's id is {@code <section>.<article>}.
 */
@Service
public class KnowledgeShelf {

    private final KnowledgeBase kb;
    private final Partners partners;

    KnowledgeShelf(KnowledgeBase kb, Partners partners) {
        this.kb = kb;
        this.partners = partners;
    }

    public record Entry(String id, String title, String snippet) {
    }

    public record Section(String id, String title, List<Entry> articles) {
    }

    /** An article's text is Telegram HTML (b, i, a, code), as the chat shows it. */
    public record Article(String id, String title, String html, String link, String linkTitle) {
    }

    public List<Section> sections(long userId, boolean manager, String language) {
        KnowledgeBase.Reader reader = reader(userId, manager, language);
        return kb.sections(reader).stream().map(s -> new Section(s.id(), kb.text(s.title(), language),
                kb.articles(s, reader).stream().map(a -> new Entry(s.id() + "." + a.id(), kb.text(a.title(), language), null))
                        .toList())).toList();
    }

    public List<Entry> search(long userId, boolean manager, String language, String query, int limit) {
        if (query == null || query.isBlank()) return List.of();
        KnowledgeBase.Reader reader = reader(userId, manager, language);
        return kb.search(query.length() > 200 ? query.substring(0, 200) : query, reader, limit).stream()
                .map(h -> new Entry(h.section().id() + "." + h.article().id(), kb.text(h.article().title(), language),
                        snippet(KnowledgeBase.plain(kb.text(h.article().text(), language)))))
                .toList();
    }

    public Optional<Article> article(long userId, boolean manager, String language, String id) {
        int dot = id == null ? -1 : id.indexOf('.');
        if (dot < 1) return Optional.empty();
        KnowledgeBase.Reader reader = reader(userId, manager, language);
        return kb.section(id.substring(0, dot), reader).flatMap(s -> kb.article(s, id.substring(dot + 1), reader))
                .map(a -> new Article(id, kb.text(a.title(), language), kb.text(a.text(), language), a.link(),
                        a.link() == null ? null : kb.text(a.linkTitle(), language)));
    }

    private KnowledgeBase.Reader reader(long userId, boolean manager, String language) {
        Optional<PartnerView> p = partners.byUser(userId).filter(PartnerView::isApproved);
        return new KnowledgeBase.Reader(p.map(PartnerView::segment).orElse(null), p.map(PartnerView::type).orElse(null),
                manager, language);
    }

    private static String snippet(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= 160 ? t : t.substring(0, 157) + "…";
    }
}
