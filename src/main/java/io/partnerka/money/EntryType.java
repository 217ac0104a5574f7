package io.partnerka.money;

/**
 * Ledger entries other than a deal's commission, with the sign their amount must have. Available money is the sum
 * of every entry; a payout request holds funds with a negative entry and the hold is later either released (a
 * rejected request), given back after an approved request was cancelled (a bounced transfer), or settled together
 * with the payout itself (a paid request).
 */
public enum EntryType {
    /** Funds held for a requested payout (negative). */
    PAYOUT_HOLD(-1),
    /** A rejected payout's hold given back (positive). */
    PAYOUT_RELEASE(1),
    /** An approved payout cancelled (the transfer bounced): its hold given back (positive). */
    PAYOUT_CANCEL(1),
    /** A paid payout's hold closed (positive), written together with {@link #PAYOUT}. */
    PAYOUT_SETTLE(1),
    /** Money sent to the partner (negative). */
    PAYOUT(-1),
    /** A share of a referred partner's commission (positive). */
    REFERRAL_REWARD(1),
    /** A referral reward taken back with the commission it came from (negative). */
    REFERRAL_REVERSAL(-1);

    private final int sign;

    EntryType(int sign) {
        this.sign = sign;
    }

    public int sign() {
        return sign;
    }
}
