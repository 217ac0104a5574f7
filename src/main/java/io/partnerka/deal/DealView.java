package io.partnerka.deal;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A client a partner handed over and the deal with them, as other modules see it.
 *
 * @param clientPhone E.164; show it only to the partner who submitted it and to managers, never log it whole
 * @param amount      the deal amount once known (required when paid), with its currency
 * @param version     grows with every change (stale buttons and concurrent changes are recognised by it)
 */
public record DealView(long id, long partnerId, String clientName, String clientPhone, String product, String comment,
                       String status, BigDecimal amount, String currency, Instant submittedAt, Instant statusChangedAt,
                       int version) {
}
