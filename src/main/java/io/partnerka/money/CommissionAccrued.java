package io.partnerka.money;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A deal's commission was credited to a partner (once per deal and payment; a refund publishes
 * {@link CommissionReversed}). Published in the accruing transaction.
 *
 * @param entryId    the ledger entry
 * @param dealAmount the paid amount the commission was computed from
 * @param rate       percent, e.g. 15 or 20
 * @param tier       the tier decided at accrual: {@code base} or {@code high}
 */
public record CommissionAccrued(long entryId, long partnerId, long dealId, BigDecimal amount, String currency,
                                BigDecimal dealAmount, BigDecimal rate, String tier, Instant at) {
}
