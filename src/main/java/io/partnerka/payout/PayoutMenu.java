package io.partnerka.payout;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.partner.Partners;
import io.partnerka.partner.PartnerView;
import java.util.List;
import org.springframework.stereotype.Component;

/** Approved partners find their balance in the main menu. */
@Component
class PayoutMenu implements MenuContributor {

    private final Partners partners;

    PayoutMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of();
        return partners.byUser(ctx.userId()).filter(PartnerView::isApproved)
                .map(p -> List.of(new MenuEntry("payout.menu.balance", 50))).orElse(List.of());
    }
}
