package io.partnerka.training;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Training" for approved partners; "Training stats" for managers. */
@Component
class TrainingMenu implements MenuContributor {

    private final Partners partners;

    TrainingMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of(new MenuEntry(TrainingStatsAction.MENU_KEY, 3));
        boolean approved = partners.byUser(ctx.userId()).map(PartnerView::isApproved).orElse(false);
        return approved ? List.of(new MenuEntry(TrainingAction.MENU_KEY, 25)) : List.of();
    }
}
