/**
 * "Question to my manager": a partner's question reaches their personal manager with the partner's card and a
 * Reply button; the answer comes back to the partner; threads, their status and reminders about unanswered ones.
 * The public face is {@link io.partnerka.support.Support}.
 */
package io.partnerka.support;
