package io.partnerka.partner;

/** A partner was let into the program (automatically or by a manager). */
public record PartnerApproved(long partnerId, long userId, Long managerId, String type) {
}
