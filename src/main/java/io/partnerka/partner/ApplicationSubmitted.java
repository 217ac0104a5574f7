package io.partnerka.partner;

/** Someone filled in the application form (prescoring follows). */
public record ApplicationSubmitted(long partnerId, long userId, String referralPayload) {
}
