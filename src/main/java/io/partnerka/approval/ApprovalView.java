package io.partnerka.approval;

import java.time.Instant;

/** An approval item as others see it. */
public record ApprovalView(long id, String kind, long subjectId, String status, Instant createdAt, Long decidedBy,
                           String decidedByName, Instant decidedAt, String reason) {

    public boolean isPending() {
        return "PENDING".equals(status);
    }
}
