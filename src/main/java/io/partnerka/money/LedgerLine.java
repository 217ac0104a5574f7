package io.partnerka.money;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One ledger entry as other modules read it.
 *
 * @param type          COMMISSION, COMMISSION_REVERSAL or an {@link EntryType} name
 * @param dealId        the deal of a commission (or its reversal), else null
 * @param payoutId      the payout of a hold, release, settlement or payout, else null
 * @param sourceEntryId the commission entry a referral reward (or its reversal) derives from, else null
 */
public record LedgerLine(long id, long partnerId, String type, BigDecimal amount, String currency, Long dealId,
                         Long payoutId, Long sourceEntryId, Instant at) {

    public boolean isEarning() {
        return type.startsWith("COMMISSION") || type.startsWith("REFERRAL");
    }
}
