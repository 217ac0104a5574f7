package io.partnerka.knowledge;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Knowledge base" in the main menu of approved partners. */
@Component
class KbMenu implements MenuContributor {

    private final Partners partners;

    KbMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of();
        boolean approved = partners.byUser(ctx.userId()).map(PartnerView::isApproved).orElse(false);
        return approved ? List.of(new MenuEntry(KbAction.MENU_KEY, 50)) : List.of();
    }
}
