package io.partnerka.drip;

import io.partnerka.deal.LeadSubmitted;
import io.partnerka.partner.PartnerView;
import io.partnerka.partner.Partners;
import io.partnerka.training.CoursePassed;
import io.partnerka.training.CourseStarted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What partners do elsewhere, as drip facts: the deal and training modules only publish their events and know nothing
 * of chains. Synchronous listeners, so the fact (and any enrolment) commits with the change that caused it.
 */
@Component
class ActivityEvents {

    private final Drips drips;
    private final Partners partners;

    ActivityEvents(Drips drips, Partners partners) {
        this.drips = drips;
        this.partners = partners;
    }

    @EventListener
    void on(LeadSubmitted lead) {
        partners.byId(lead.partnerId()).map(PartnerView::userId)
                .ifPresent(userId -> drips.trigger(userId, Drips.CLIENT_SUBMITTED));
    }

    @EventListener
    void on(CourseStarted started) {
        drips.trigger(started.userId(), Drips.TRAINING_STARTED);
    }

    @EventListener
    void on(CoursePassed passed) {
        drips.trigger(passed.userId(), Drips.TRAINING_PASSED);
    }
}
