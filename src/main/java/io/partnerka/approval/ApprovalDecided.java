package io.partnerka.approval;

/** Published when a manager decided an item (in the bot or on the web). */
public record ApprovalDecided(long itemId, String kind, long subjectId, boolean approved, Decider decider) {
}
