package io.partnerka.deal;

import java.math.BigDecimal;
import java.time.Instant;

/** One line of a deal's history. */
public record HistoryEntry(long id, String fromStatus, String toStatus, BigDecimal amount, String currency, String comment,
                    String source, Long actorId, String actorName, Instant at) {
}
