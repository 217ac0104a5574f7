package io.partnerka.deal;

import io.partnerka.conversation.Formats;
import io.partnerka.conversation.Notifier;
import io.partnerka.conversation.UserError;
import io.partnerka.partner.PartnerView;
import io.partnerka.training.CourseStatus;
import io.partnerka.training.Training;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The training gate ({@code partnerka.training.gate}): a partner submits clients once they passed the mandatory
 * courses of their segment. The submit flow shows {@link Training#gateReply} (with a button per course); this is
 * the same rule where the client is actually submitted.
 */
@Component
class TrainingGate implements SubmissionGate {

    static final String REFUSAL = "training.gate.blocked";

    private final Training training;
    private final Notifier notifier;

    TrainingGate(Training training, Notifier notifier) {
        this.training = training;
        this.notifier = notifier;
    }

    @Override
    public void check(PartnerView partner) {
        if (training.hasPassedMandatory(partner.userId())) return;
        String lang = notifier.languageOf(partner.chatId());
        String courses = training.statusOf(partner.userId(), lang).stream()
                .filter(c -> c.mandatory() && !c.isPassed()).map(CourseStatus::title).map(t -> Formats.quote(t, lang))
                .collect(Collectors.joining(", "));
        throw new UserError(REFUSAL, Map.of("courses", courses));
    }
}
