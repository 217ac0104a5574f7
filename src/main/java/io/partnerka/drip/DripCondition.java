package io.partnerka.drip;

import java.time.Instant;

/**
 * A named check a chain file can use in {@code skip-if} (skip this step) or {@code stop-when} (end the chain):
 * "the action of this message is already done". A module implements it as a bean when it knows the answer better
 * than the facts reported through {@link Drips#trigger} (e.g. {@code name() = "requisites-set"} asking the money
 * module). Checked once per step, inside the dispatcher's transaction: keep it to one indexed query.
 */
public interface DripCondition {

    /** The name chain files refer to, e.g. {@code "first-client"}. */
    String name();

    /**
     * Whether the condition holds for this person now.
     *
     * @param userId   the person (Telegram user id)
     * @param enrolled when they entered the chain, for checks like "did it again since"
     */
    boolean holds(long userId, Instant enrolled);
}
