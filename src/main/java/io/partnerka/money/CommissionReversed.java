package io.partnerka.money;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A deal's commission was taken back (the deal was refunded): a new ledger entry of the opposite sign, never an edit.
 *
 * @param entryId         the reversal's ledger entry
 * @param reversedEntryId the accrual it reverses
 * @param amount          the amount taken back, positive
 */
public record CommissionReversed(long entryId, long reversedEntryId, long partnerId, long dealId, BigDecimal amount,
                                 String currency, Instant at) {
}
