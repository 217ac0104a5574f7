package io.partnerka.drip;

import java.time.Instant;

/**
 * A person as the dispatcher sees them, read in bulk for a batch: their chat (language, reachable) and, when they
 * applied, their partner record (status, type, segment).
 */
record Subject(long chatId, long userId, String language, boolean unreachable, String firstName, Long partnerId,
               String partnerStatus, String type, String segment, String partnerName, Instant decidedAt) {

    boolean isApprovedPartner() {
        return "APPROVED".equals(partnerStatus);
    }

    String displayName() {
        if (partnerName != null && !partnerName.isBlank()) return partnerName;
        return firstName == null || firstName.isBlank() ? "" : firstName;
    }
}
