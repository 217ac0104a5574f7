package io.partnerka.money;

import java.math.BigDecimal;
import java.time.Instant;

/** A deal's commission in force (accrued and not reversed): what was credited, at which rate and tier. */
public record Commission(long entryId, long partnerId, long dealId, BigDecimal amount, String currency,
                         BigDecimal dealAmount, BigDecimal rate, String tier, Instant at) {
}
