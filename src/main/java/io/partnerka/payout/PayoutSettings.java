package io.partnerka.payout;

import java.math.BigDecimal;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Payout rules and the paying company's details printed on invoices (configuration, see the README, "Getting paid"):
 * {@code partnerka.payout.minimum} (in the payout's currency) and {@code partnerka.company.*}.
 */
@Component
class PayoutSettings {

    final BigDecimal minimum;
    final int ledgerLines;
    final Company company;

    /** The payer on a self-billing invoice. */
    record Company(String name, String taxId, String address, String bank, String email) {
    }

    PayoutSettings(@Value("${partnerka.payout.minimum:1000}") BigDecimal minimum,
                   @Value("${partnerka.payout.ledger-lines:10}") int ledgerLines,
                   @Value("${partnerka.company.name:Partnerka LLC}") String name,
                   @Value("${partnerka.company.tax-id:}") String taxId,
                   @Value("${partnerka.company.address:}") String address,
                   @Value("${partnerka.company.bank:}") String bank,
                   @Value("${partnerka.company.email:}") String email) {
        if (minimum.signum() <= 0 || minimum.scale() > 2) {
            throw new IllegalStateException("partnerka.payout.minimum must be positive with at most two decimals");
        }
        this.minimum = minimum;
        this.ledgerLines = Math.max(1, Math.min(50, ledgerLines));
        this.company = new Company(name, taxId, address, bank, email);
    }
}
