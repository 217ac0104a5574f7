package io.partnerka.deal;

import java.time.Instant;

/**
 * A partner submitted a client (a new deal in the pipeline's first status). Published in the submitting transaction.
 *
 * @param clientPhone  E.164 (for a CRM; never log it whole)
 * @param productTitle the catalog title in the default language
 */
public record LeadSubmitted(long dealId, long partnerId, String partnerName, String clientName, String clientPhone,
                            String product, String productTitle, String comment, Instant submittedAt) {
}
