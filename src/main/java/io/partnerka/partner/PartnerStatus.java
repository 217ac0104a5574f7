package io.partnerka.partner;

/** Where a person is in the program. */
public enum PartnerStatus {
    /** filled the form, answering the prescoring questionnaire */
    PRESCORING,
    /** waits for a manager */
    PENDING_REVIEW,
    APPROVED,
    REJECTED,
    BLOCKED
}
