package io.partnerka.support;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.util.List;
import org.springframework.stereotype.Component;

/** "Question to my manager" for approved partners; "Questions" (the open ones) for managers. */
@Component
class SupportMenu implements MenuContributor {

    private final Partners partners;

    SupportMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of(new MenuEntry(SupportAction.MANAGER_MENU_KEY, 2));
        boolean approved = partners.byUser(ctx.userId()).map(PartnerView::isApproved).orElse(false);
        return approved ? List.of(new MenuEntry(AskManagerFlow.MENU_KEY, 60)) : List.of();
    }
}
