package io.partnerka.partner;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.conversation.Input.Option;
import io.partnerka.conversation.UserError;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The application form: who you are and how you find clients; then the prescoring questionnaire. */
@Component
class ApplyFlow implements Flow {

    static final String NAME = "apply";
    static final String PRESCORING_FLOW = "prescoring";

    private final Partners partners;
    private final String phoneRegion;

    ApplyFlow(Partners partners, @Value("${partnerka.phone-region:RU}") String phoneRegion) {
        this.partners = partners;
        this.phoneRegion = phoneRegion;
    }

    @Override
    public FlowDefinition<?> definition() {
        return FlowDefinition.of(NAME, ApplicationDraft.class)
                .startOn("apply").menu("menu.apply")
                .guard(this::mayApply)
                .ask("type", "apply.ask-type", Input.choice(List.of(
                        Option.of("company", "apply.type.company"),
                        Option.of("individual", "apply.type.individual"))))
                .ask("name", "apply.ask-name", Input.text(2, 120))
                .ask("city", "apply.ask-city", Input.text(2, 80))
                .ask("phone", "apply.ask-phone", Input.phone(phoneRegion))
                .ask("email", "apply.ask-email", Input.email().optional())
                .ask("source", "apply.ask-source", Input.choice(List.of(
                        Option.of("own-clients", "apply.source.own-clients"),
                        Option.of("social", "apply.source.social"),
                        Option.of("website", "apply.source.website"),
                        Option.of("offline", "apply.source.offline"),
                        Option.of("other", "apply.source.other"))))
                .confirm("apply.confirm", this::submit);
    }

    /** An approved partner sees their status; someone halfway through continues with the questionnaire. */
    private boolean mayApply(ChatContext ctx) {
        try {
            partners.checkMayApply(ctx.userId());
        } catch (UserError refusal) {
            ctx.say(refusal.key(), refusal.args());
            ctx.showMenu("common.menu");
            return false;
        }
        if (partners.isInPrescoring(ctx.userId())) {
            ctx.say("apply.continue-prescoring");
            ctx.startFlow(PRESCORING_FLOW);
            return false;
        }
        ctx.say("apply.intro");
        return true;
    }

    private void submit(ChatContext ctx, ApplicationDraft draft) {
        partners.submitApplication(ctx.userId(), ctx.chatId(), ctx.language(), draft);
        ctx.say("apply.submitted");
        ctx.startFlow(PRESCORING_FLOW);
    }
}
