package io.partnerka.approval;

import io.partnerka.conversation.ChatContext;

/** More work that waits for a manager and belongs in {@code /pending} (e.g. partners' unanswered questions). */
public interface PendingSection {

    /** Shows this section's waiting items to the manager; returns how many it showed (0: it said nothing). */
    int show(ChatContext ctx);
}
