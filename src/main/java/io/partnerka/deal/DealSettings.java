package io.partnerka.deal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The deal module's configuration ({@code partnerka.deal.*}). */
@Component
class DealSettings {

    final Duration attributionWindow;
    final int pageSize;
    final BigDecimal maxAmount;
    final List<String> currencies;
    final String phoneRegion;
    final ZoneId zone;

    DealSettings(@Value("${partnerka.deal.attribution-window:90d}") Duration attributionWindow,
                 @Value("${partnerka.deal.page-size:5}") int pageSize,
                 @Value("${partnerka.deal.max-amount:1000000000}") BigDecimal maxAmount,
                 @Value("${partnerka.deal.currencies:RUB,USD,EUR}") List<String> currencies,
                 @Value("${partnerka.phone-region:RU}") String phoneRegion,
                 @Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.attributionWindow = attributionWindow;
        this.pageSize = Math.max(1, Math.min(pageSize, 20));
        this.maxAmount = maxAmount;
        this.currencies = currencies.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
        if (this.currencies.isEmpty() || this.currencies.stream().anyMatch(c -> !c.matches("[A-Z]{3}"))) {
            throw new IllegalStateException("partnerka.deal.currencies must list ISO 4217 codes, e.g. RUB,USD,EUR");
        }
        if (maxAmount.signum() <= 0) throw new IllegalStateException("partnerka.deal.max-amount must be positive");
        this.phoneRegion = phoneRegion;
        this.zone = ZoneId.of(zone);
    }

    String defaultCurrency() {
        return currencies.get(0);
    }
}
