package io.partnerka.drip;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the drip module ({@code partnerka.drip.*}); every one has a default. */
@ConfigurationProperties("partnerka.drip")
record DripProperties(
        @DefaultValue QuietHours quietHours,
        @DefaultValue Dispatch dispatch,
        @DefaultValue("1m") Duration scanEvery,
        @DefaultValue({"client-submitted", "first-client"}) List<String> activityFacts,
        @DefaultValue("30d") Duration activeWithin,
        @DefaultValue Broadcast broadcast,
        @DefaultValue Reminders reminders,
        @DefaultValue Digest digest) {

    /** Nothing is sent between {@code start} and {@code end} in {@code partnerka.time-zone}; due rows wait. */
    record QuietHours(@DefaultValue("true") boolean enabled, @DefaultValue("21:00") LocalTime start,
                      @DefaultValue("09:00") LocalTime end) {
    }

    /**
     * The due-step dispatcher: fires {@code every}, claims {@code batchSize} rows per transaction, works at most
     * {@code maxRun} per firing, and stops claiming while the outbox holds more than {@code maxOutboxBacklog} unsent
     * messages (0: no limit), so quiet hours and pauses take effect within a few minutes even with a slow sender.
     */
    record Dispatch(@DefaultValue("5s") Duration every, @DefaultValue("500") int batchSize,
                    @DefaultValue("30s") Duration maxRun, @DefaultValue("3000") int maxOutboxBacklog) {
    }

    record Broadcast(@DefaultValue("5s") Duration every, @DefaultValue("500") int batchSize,
                     @DefaultValue("7d") Duration rsvpCountsFor,
                     /* a broadcast confirmed in quiet hours offers "send now anyway" */
                     @DefaultValue("true") boolean allowDuringQuietHours) {
    }

    /** Items waiting for a manager longer than {@code waitingAfter} are reminded, again after {@code repeatAfter}. */
    record Reminders(@DefaultValue("15m") Duration every, @DefaultValue("4h") Duration waitingAfter,
                     @DefaultValue("24h") Duration repeatAfter) {
    }

    /** The managers' daily digest, at {@code at} in {@code partnerka.time-zone}. */
    record Digest(@DefaultValue("09:30") LocalTime at) {
    }
}
