package io.partnerka.referral;

import io.partnerka.conversation.Button;
import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.Reply;
import io.partnerka.drip.Drips;
import io.partnerka.conversation.Formats;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * {@code /referral} (and the main-menu button): the personal deep link, a share button (t.me/share/url), the stats,
 * and the same link as a QR code image.
 */
@Component
class ReferralAction implements ChatAction, MenuContributor {

    private final Referrals referrals;
    private final Partners partners;
    private final Drips drips;

    ReferralAction(Referrals referrals, Partners partners, Drips drips) {
        this.referrals = referrals;
        this.partners = partners;
        this.drips = drips;
    }

    @Override
    public Set<String> commands() {
        return Set.of("referral");
    }

    @Override
    public Set<String> menuKeys() {
        return Set.of("referral.menu.referral");
    }

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        if (ctx.isManager()) return List.of();
        return partners.byUser(ctx.userId()).filter(PartnerView::isApproved)
                .map(p -> List.of(new MenuEntry("referral.menu.referral", 60))).orElse(List.of());
    }

    @Override
    public void run(ChatContext ctx, String args) {
        PartnerView p = partners.approvedPartner(ctx.userId());
        String link = referrals.linkOf(p.id());
        ReferralStats stats = referrals.stats(p.id());
        String rate = Formats.percent(referrals.rate(), ctx.language());
        String earned = stats.earned().isEmpty() ? "0"
                : stats.earned().entrySet().stream().map(e -> Formats.money(e.getValue(), e.getKey(), ctx.language()))
                        .collect(Collectors.joining(", "));
        String shareText = ctx.text("referral.share-text", "rate", rate);
        String share = "https://t.me/share/url?url=" + URLEncoder.encode(link, StandardCharsets.UTF_8)
                + "&text=" + URLEncoder.encode(shareText, StandardCharsets.UTF_8);
        ctx.reply(Reply.Text.of(ctx.text("referral.info", Map.of("link", link, "rate", rate,
                        "invited", stats.invited(), "applied", stats.applied(), "approved", stats.approved(),
                        "active", stats.active(), "earned", new Messages.Trusted(earned))))
                .withButtons(List.of(List.of(Button.url(ctx.text("referral.share-button"), share)))));
        ctx.reply(new Reply.Photo("referral-qr.png", QrCode.png(link, 512), ctx.text("referral.qr-caption", "link", link)));
        drips.trigger(ctx.userId(), Drips.REFERRAL_LINK_OPENED);
    }

}
