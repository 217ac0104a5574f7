package io.partnerka.payout;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payout request as others see it.
 *
 * @param status REQUESTED (funds held, waiting for a manager), APPROVED (queued for payment), PAID, REJECTED or
 *               CANCELLED (approved, then cancelled by a manager: the transfer bounced; the hold was given back)
 */
public record PayoutView(long id, long partnerId, BigDecimal amount, String currency, long requisitesId, String status,
                         Long invoiceNumber, Instant periodFrom, Instant periodTo, String paymentReference,
                         String rejectReason, Instant createdAt, Instant approvedAt, Instant paidAt,
                         String cancelReason, Instant cancelledAt) {
}
