package io.partnerka.partner;

import java.time.Instant;

/** A partner as other modules see it (the phone is masked). */
public record PartnerView(long id, long userId, long chatId, PartnerStatus status, String type, String name,
                          String city, String maskedPhone, String email, String source, String segment, Long managerId,
                          Integer score, Instant appliedAt, Instant decidedAt) {

    public boolean isApproved() {
        return status == PartnerStatus.APPROVED;
    }
}
