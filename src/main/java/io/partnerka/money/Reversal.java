package io.partnerka.money;

import java.math.BigDecimal;

/** The outcome of reversing a deal's commission: the amount taken back (positive) and the balance afterwards. */
public record Reversal(long entryId, long dealId, BigDecimal amount, String currency, Balance balance) {
}
