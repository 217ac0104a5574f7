package io.partnerka.deal;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A deal moved from one status to another. Published in the changing transaction.
 *
 * @param source who changed it: {@code manager}, {@code crm}, {@code bitrix24}
 * @param reopen whether it was an explicit reopen (a move backwards)
 */
public record DealStatusChanged(long dealId, long partnerId, String fromStatus, String toStatus, BigDecimal amount,
                                String currency, String comment, String source, boolean reopen, Instant at) {
}
