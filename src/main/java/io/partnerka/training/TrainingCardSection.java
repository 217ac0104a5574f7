package io.partnerka.training;

import io.partnerka.partner.PartnerCardSection;
import io.partnerka.partner.PartnerView;
import org.springframework.stereotype.Component;

/** The partner card managers read shows the partner's training status. */
@Component
class TrainingCardSection implements PartnerCardSection {

    private final Training training;

    TrainingCardSection(Training training) {
        this.training = training;
    }

    @Override
    public String section(PartnerView partner, String language) {
        return partner.isApproved() ? training.statusLine(partner.userId(), language) : null;
    }
}
