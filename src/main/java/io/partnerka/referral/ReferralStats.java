package io.partnerka.referral;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A referrer's numbers.
 *
 * @param invited  people who first came to the bot through the link
 * @param applied  of them, those who applied (attributed partners)
 * @param approved of those, approved partners
 * @param active   approved referred partners with a client submitted in the last 30 days
 * @param earned   referral rewards net of reversals, by currency
 */
public record ReferralStats(int invited, int applied, int approved, int active, Map<String, BigDecimal> earned) {
}
