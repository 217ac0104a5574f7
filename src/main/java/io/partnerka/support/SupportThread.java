package io.partnerka.support;

import java.time.Instant;

/**
 * A partner's conversation with their manager.
 *
 * @param waitingSince when the partner's oldest unanswered message arrived (null once answered)
 * @param lastText     the partner's latest message (or a note about the file they sent)
 */
public record SupportThread(long id, long partnerId, long partnerUserId, long partnerChatId, Long managerId,
                            Status status, Instant createdAt, Instant waitingSince, String answeredByName,
                            String lastText) {

    public enum Status { OPEN, ANSWERED }

    public boolean isOpen() {
        return status == Status.OPEN;
    }
}
