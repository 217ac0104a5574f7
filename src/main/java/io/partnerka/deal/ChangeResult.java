package io.partnerka.deal;

/** What a {@link DealChange} did: the deal afterwards, and whether anything changed (false: it was already there). */
public record ChangeResult(DealView deal, String fromStatus, boolean changed) {
}
