package io.partnerka.deal;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Inbound;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.conversation.UserError;
import io.partnerka.money.Commission;
import io.partnerka.money.Ledger;
import io.partnerka.money.Rate;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * My clients: {@code /clients} (or {@code /clients 12} for one card), a paginated list with a status filter, and a
 * client's card with its history. Buttons: "dc:l:<filter>:<page>" (list), "dc:c:<id>" (card). A list page or a
 * card replaces the message it was opened from.
 */
@Component
class ClientActions implements ChatAction {

    static final String PREFIX = "dc";
    private static final String ALL = "all";
    private static final String OPEN = "open";

    private final Partners partners;
    private final DealStore store;
    private final Pipeline pipeline;
    private final Ledger ledger;
    private final DealCards cards;
    private final DealSettings settings;

    ClientActions(Partners partners, DealStore store, Pipeline pipeline, Ledger ledger, DealCards cards, DealSettings settings) {
        this.partners = partners;
        this.store = store;
        this.pipeline = pipeline;
        this.ledger = ledger;
        this.cards = cards;
        this.settings = settings;
    }

    @Override
    public Set<String> commands() {
        return Set.of("clients");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("deal.menu.clients");
    }

    @Override
    public String callbackPrefix() {
        return PREFIX;
    }

    @Override
    public void run(ChatContext ctx, String args) {
        PartnerView partner = partners.approvedPartner(ctx.userId());
        boolean callback = ctx.inbound() != null && ctx.inbound().kind() == Inbound.Kind.CALLBACK;
        Integer editOf = callback ? ctx.inbound().messageId() : null;
        if (!callback) {
            String a = args == null ? "" : args.strip().replaceFirst("^#", "");
            if (a.isEmpty()) {
                showList(ctx, partner, ALL, 0, null);
            } else if (a.matches("\\d{1,18}")) {
                showCard(ctx, partner, Long.parseLong(a), null);
            } else {
                ctx.say("deal.list.usage");
            }
            return;
        }
        String[] p = args.split(":");
        if (p.length == 3 && p[0].equals("l") && validFilter(p[1]) && p[2].matches("\\d{1,4}")) {
            showList(ctx, partner, p[1], Integer.parseInt(p[2]), editOf);
        } else if (p.length == 2 && p[0].equals("c") && p[1].matches("\\d{1,18}")) {
            showCard(ctx, partner, Long.parseLong(p[1]), editOf);
        } else {
            ctx.answerCallback(ctx.text("common.button-invalid"), true);
        }
    }

    private boolean validFilter(String f) {
        return f.equals(ALL) || f.equals(OPEN) || pipeline.isKnown(f);
    }

    private List<String> statuses(String filter) {
        if (filter.equals(ALL)) return null;
        if (filter.equals(OPEN)) return pipeline.open();
        return List.of(filter);
    }

    private void showList(ChatContext ctx, PartnerView partner, String filter, int page, Integer editOf) {
        String lang = ctx.language();
        List<String> statuses = statuses(filter);
        int total = store.countOfPartner(partner.id(), statuses);
        int pages = Math.max(1, (total + settings.pageSize - 1) / settings.pageSize);
        page = Math.max(0, Math.min(page, pages - 1));
        List<DealView> deals = store.ofPartner(partner.id(), statuses, page * settings.pageSize, settings.pageSize);
        Map<Long, Commission> commissions = ledger.commissionsOf(deals.stream().map(DealView::id).toList());
        Rate next = ledger.nextRate(partner.id());

        StringBuilder items = new StringBuilder();
        List<Button> open = new ArrayList<>();
        for (DealView d : deals) {
            items.append(ctx.text("deal.list.item", Map.of("id", d.id(), "name", d.clientName(),
                    "status", cards.status(d.status(), lang),
                    "money", new Messages.Trusted(cards.money(d, commissions.get(d.id()), next, lang))))).append("\n\n");
            open.add(ctx.button("#" + d.id() + " " + shorten(d.clientName()), PREFIX + ":c:" + d.id()));
        }
        String text = total == 0
                ? ctx.text(filter.equals(ALL) ? "deal.list.empty" : "deal.list.empty-filter", Map.of("filter", filterName(filter, lang, ctx)))
                : ctx.text("deal.list.header", Map.of("count", total, "filter", filterName(filter, lang, ctx),
                "page", page + 1, "pages", pages, "items", new Messages.Trusted(items.toString().strip())));

        List<List<Button>> rows = new ArrayList<>(DealCards.rows(open, 2));
        if (pages > 1) {
            List<Button> nav = new ArrayList<>();
            if (page > 0) nav.add(ctx.button("◀️", PREFIX + ":l:" + filter + ":" + (page - 1)));
            nav.add(ctx.button((page + 1) + " / " + pages, PREFIX + ":l:" + filter + ":" + page));
            if (page < pages - 1) nav.add(ctx.button("▶️", PREFIX + ":l:" + filter + ":" + (page + 1)));
            rows.add(nav);
        }
        List<Button> filters = new ArrayList<>();
        List<String> all = new ArrayList<>(List.of(ALL, OPEN));
        all.addAll(pipeline.all());
        for (String f : all) {
            String label = filterName(f, lang, ctx);
            filters.add(ctx.button(f.equals(filter) ? "• " + label : label, PREFIX + ":l:" + f + ":0"));
        }
        rows.addAll(DealCards.rows(filters, 3));
        Reply.Text reply = Reply.Text.of(text).withButtons(rows);
        ctx.reply(editOf == null ? reply : reply.asEditOf(editOf));
    }

    private String filterName(String filter, String lang, ChatContext ctx) {
        if (filter.equals(ALL)) return ctx.text("deal.list.filter-all");
        if (filter.equals(OPEN)) return ctx.text("deal.list.filter-open");
        return cards.status(filter, lang);
    }

    private void showCard(ChatContext ctx, PartnerView partner, long dealId, Integer editOf) {
        DealView d = store.find(dealId).filter(x -> x.partnerId() == partner.id())
                .orElseThrow(() -> new UserError("deal.not-yours", Map.of("id", dealId)));
        Reply.Text card = Reply.Text.of(cards.partnerCard(d, ctx.language()))
                .withButtons(List.of(List.of(ctx.button(ctx.text("deal.list.open-card-back"), PREFIX + ":l:all:0"))));
        ctx.reply(editOf == null ? card : card.asEditOf(editOf));
    }

    private static String shorten(String name) {
        return name.length() <= 24 ? name : name.substring(0, 23) + "…";
    }
}
