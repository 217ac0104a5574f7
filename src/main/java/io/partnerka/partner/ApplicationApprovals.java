package io.partnerka.partner;

import io.partnerka.approval.ApprovalHandler;
import io.partnerka.approval.Decider;
import io.partnerka.conversation.Messages;
import io.partnerka.conversation.UserError;
import java.util.Map;
import org.springframework.stereotype.Component;

/** What approving or rejecting an application means. */
@Component
class ApplicationApprovals implements ApprovalHandler {

    static final String KIND = "application";
    private final Partners partners;
    private final Messages messages;
    private final ApplicationAnswers answers;

    ApplicationApprovals(Partners partners, Messages messages, ApplicationAnswers answers) {
        this.partners = partners;
        this.messages = messages;
        this.answers = answers;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String card(long partnerId, String lang) {
        Partner p = partners.entity(partnerId).orElseThrow();
        return messages.text(lang, "partner.application-card", Map.of(
                "name", p.name, "type", messages.text(lang, "apply.type." + p.type), "city", p.city,
                "phone", p.phone, "email", p.email == null ? "—" : p.email,
                "source", messages.text(lang, "apply.source." + p.source),
                "score", p.score == null ? "—" : p.score,
                "answers", new Messages.Trusted(answers.summary(p.userId, lang))));
    }

    @Override
    public void approved(long partnerId, Decider decider) {
        Partner p = pendingReview(partnerId);
        partners.approve(p);
    }

    @Override
    public void rejected(long partnerId, Decider decider, String reason) {
        partners.reject(pendingReview(partnerId), reason);
    }

    private Partner pendingReview(long partnerId) {
        Partner p = partners.entity(partnerId).orElseThrow(() -> new UserError("approval.not-found"));
        if (p.status != PartnerStatus.PENDING_REVIEW) throw new UserError("approval.subject-changed");
        return p;
    }
}
