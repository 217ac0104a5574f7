package io.partnerka.requisites;

import java.time.Instant;

/**
 * One version of a partner's payout details as others see it: the account only masked (the full number never
 * leaves this module).
 *
 * @param method        {@code bank}, {@code card} or {@code other}
 * @param maskedAccount e.g. "•••• 1111" or "DE89 •••• 3000"
 * @param bankCode      BIC or SWIFT of a bank transfer, else null
 * @param taxId         the Russian INN when given, else null
 * @param status        PENDING, APPROVED or REJECTED
 */
public record RequisitesView(long id, long partnerId, int version, String method, String maskedAccount,
                             String bankCode, String legalName, String taxId, String currency, String status,
                             Instant createdAt) {

    public boolean isApproved() {
        return "APPROVED".equals(status);
    }
}
