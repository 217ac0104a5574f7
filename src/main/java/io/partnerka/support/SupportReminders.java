package io.partnerka.support;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Every few minutes: managers are reminded of questions that wait too long (see {@link Support#remindOverdue}). */
@Component
class SupportReminders {

    private final Support support;

    SupportReminders(Support support) {
        this.support = support;
    }

    @Scheduled(initialDelayString = "${partnerka.support.reminder-check:PT5M}",
            fixedDelayString = "${partnerka.support.reminder-check:PT5M}")
    void remind() {
        support.remindOverdue();
    }
}
