package io.partnerka.approval;

/**
 * What one kind of approval item means (an application, a payout, a change of requisites): how its card reads and
 * what approving or rejecting does. Called inside the deciding transaction, after the item was won by this decision.
 */
public interface ApprovalHandler {

    /** The kind this handler owns, e.g. {@code "application"}. */
    String kind();

    /** The card a manager reads (Telegram HTML) in the given language. */
    String card(long subjectId, String language);

    void approved(long subjectId, Decider decider);

    void rejected(long subjectId, Decider decider, String reason);
}
