package io.partnerka.partner;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Reply;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code /start} (with or without a payload such as {@code ref_<code>}): a greeting with the program's conditions and
 * an Apply button for newcomers, the status for everyone else. The inline Apply button ("apply:") starts the form.
 */
@Component
class WelcomeAction implements ChatAction {

    private final Partners partners;
    private final String baseRate;
    private final String highRate;
    private final String highRateFrom;
    private final String referralRate;

    WelcomeAction(Partners partners,
                  @Value("${partnerka.commission.base-rate:15}") String baseRate,
                  @Value("${partnerka.commission.high-rate:20}") String highRate,
                  @Value("${partnerka.commission.high-rate-from:10}") String highRateFrom,
                  @Value("${partnerka.referral.rate:20}") String referralRate) {
        this.partners = partners;
        this.baseRate = baseRate;
        this.highRate = highRate;
        this.highRateFrom = highRateFrom;
        this.referralRate = referralRate;
    }

    @Override
    public Set<String> commands() {
        return Set.of("start");
    }

    @Override
    public String callbackPrefix() {
        return "apply";
    }

    @Override
    public void run(ChatContext ctx, String args) {
        if (ctx.inbound() != null && ctx.inbound().kind() == io.partnerka.conversation.Inbound.Kind.CALLBACK) {
            ctx.startFlow(ApplyFlow.NAME);
            return;
        }
        if (!args.isBlank()) partners.recordFirstTouch(ctx.userId(), args);
        Optional<PartnerView> partner = partners.byUser(ctx.userId());
        if (ctx.isManager()) {
            ctx.showMenu("partner.welcome-manager");
        } else if (partner.isPresent() && partner.get().status() != PartnerStatus.REJECTED) {
            ctx.say("partner.welcome-back", "name", partner.get().name());
            ctx.say("partner.status." + partner.get().status().name().toLowerCase(java.util.Locale.ROOT));
            ctx.showMenu("common.menu");
        } else {
            ctx.reply(Reply.Text.of(ctx.text("partner.welcome", "base", baseRate, "high", highRate,
                            "from", highRateFrom, "referral", referralRate))
                    .withButtons(List.of(List.of(ctx.button(ctx.text("partner.apply-button"), "apply")))));
            ctx.showMenu("partner.welcome-menu-hint");
        }
    }
}
