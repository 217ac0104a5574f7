package io.partnerka.partner;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Newcomers see Apply; applicants see their application's status; every partner sees their profile. */
@Component
class PartnerMenu implements MenuContributor, ChatAction {

    private final Partners partners;

    PartnerMenu(Partners partners) {
        this.partners = partners;
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of();
        Optional<PartnerView> p = partners.byUser(ctx.userId());
        if (p.isEmpty() || p.get().status() == PartnerStatus.REJECTED) return List.of(new MenuEntry("menu.apply", 10));
        return List.of(new MenuEntry("menu.profile", 90));
    }

    @Override
    public Set<String> commands() {
        return Set.of("profile", "status");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("menu.profile");
    }

    @Override
    public void run(ChatContext ctx, String args) {
        Optional<PartnerView> p = partners.byUser(ctx.userId());
        if (p.isEmpty()) {
            ctx.showMenu("partner.not-a-partner");
            return;
        }
        PartnerView v = p.get();
        io.partnerka.conversation.Reply.Text profile = io.partnerka.conversation.Reply.Text.of(ctx.text("partner.profile",
                "name", v.name(), "city", v.city(), "phone", v.maskedPhone(),
                "email", v.email() == null ? "—" : v.email(),
                "type", ctx.text("apply.type." + v.type()),
                "status", ctx.text("partner.status." + v.status().name().toLowerCase(java.util.Locale.ROOT))));
        if (v.isApproved()) {
            // payout details live in the requisites module (callback "rq:show"), the referral link in /referral
            profile = profile.withButtons(List.of(List.of(ctx.button(ctx.text("requisites.profile-button"), "rq:show"))));
        }
        ctx.reply(profile);
        ctx.showMenu("common.menu");
    }
}
