/**
 * Drip chains, nudges, reminders, the managers' daily digest and broadcasts, on a clustered Quartz scheduler.
 * Public face: {@link io.partnerka.drip.Drips} (other modules report what a partner did:
 * {@code drips.trigger(userId, Drips.FIRST_CLIENT)}), {@link io.partnerka.drip.DripCondition} (a named check a chain
 * can use to skip a step or stop) and {@link io.partnerka.drip.DigestSource} (lines for a manager's daily digest).
 */
package io.partnerka.drip;
