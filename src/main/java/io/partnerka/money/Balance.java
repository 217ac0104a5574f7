package io.partnerka.money;

import java.math.BigDecimal;

/**
 * A partner's balance in one currency, summed from the ledger.
 *
 * @param accrued   commissions and referral rewards earned, net of reversals
 * @param available what may be paid out: the sum of every entry (accruals, reversals, payout holds, releases, payouts)
 */
public record Balance(String currency, BigDecimal accrued, BigDecimal available) {

    public static Balance zero(String currency) {
        return new Balance(currency, BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2));
    }
}
