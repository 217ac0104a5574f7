package io.partnerka.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The program's commission rules (configuration, the field's defaults): {@code base-rate} percent of a paid deal,
 * {@code high-rate} percent once the partner has {@code high-rate-from} or more paid clients, the paid deal being
 * accrued included (so with the defaults the 10th paid client already earns 20 %).
 */
@Component
class CommissionRules {

    static final String BASE = "base";
    static final String HIGH = "high";

    private final Rate base;
    private final Rate high;
    private final int highFrom;

    CommissionRules(@Value("${partnerka.commission.base-rate:15}") BigDecimal baseRate,
                    @Value("${partnerka.commission.high-rate:20}") BigDecimal highRate,
                    @Value("${partnerka.commission.high-rate-from:10}") int highFrom) {
        for (BigDecimal r : new BigDecimal[]{baseRate, highRate}) {
            if (r.signum() < 0 || r.compareTo(BigDecimal.valueOf(100)) > 0 || r.scale() > 2) {
                throw new IllegalStateException("partnerka.commission rates must be 0..100 with at most two decimals: " + r);
            }
        }
        if (highFrom < 1) throw new IllegalStateException("partnerka.commission.high-rate-from must be at least 1");
        this.base = new Rate(BASE, baseRate);
        this.high = new Rate(HIGH, highRate);
        this.highFrom = highFrom;
    }

    /** The rate of a paid client who is the partner's {@code n}-th (counting paid clients in force, this one included). */
    Rate rateForPaidClient(int n) {
        return n >= highFrom ? high : base;
    }

    int highFrom() {
        return highFrom;
    }

    /** Commission on an amount, rounded half-up to cents. */
    static BigDecimal commission(BigDecimal amount, Rate rate) {
        return amount.multiply(rate.percent()).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
    }
}
