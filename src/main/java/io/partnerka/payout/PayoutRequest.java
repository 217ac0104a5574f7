package io.partnerka.payout;

/** The outcome of a payout request: the request, and whether this call created it (false: a repeat of the same). */
public record PayoutRequest(PayoutView payout, boolean fresh) {
}
