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

    /** The cards of several items of this kind by subject id; one by one unless the kind can do better. */
    default java.util.Map<Long, String> cards(java.util.Collection<Long> subjectIds, String language) {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        for (long id : subjectIds) out.put(id, card(id, language));
        return out;
    }

    void approved(long subjectId, Decider decider);

    void rejected(long subjectId, Decider decider, String reason);
}
