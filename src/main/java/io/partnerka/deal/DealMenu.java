package io.partnerka.deal;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import org.springframework.stereotype.Component;

/** Approved partners: submit a client (20), my clients (30), my numbers (40). Managers: deals (5). */
@Component
class DealMenu implements MenuContributor {

    private final Partners partners;

    DealMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of(new MenuEntry("deal.menu.deals", 5));
        boolean approved = partners.byUser(ctx.userId()).map(PartnerView::isApproved).orElse(false);
        if (!approved) return List.of();
        return List.of(new MenuEntry("deal.menu.submit", 20), new MenuEntry("deal.menu.clients", 30),
                new MenuEntry("deal.menu.stats", 40));
    }
}
