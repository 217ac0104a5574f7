package io.partnerka.drip;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** 21:00–09:00 (configurable) in the program's time zone: nothing scheduled goes out then; due rows wait. */
@Component
class QuietHours {

    private final boolean enabled;
    private final LocalTime start;
    private final LocalTime end;
    private final ZoneId zone;

    @org.springframework.beans.factory.annotation.Autowired
    QuietHours(DripProperties properties, @Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this(properties.quietHours().enabled(), properties.quietHours().start(), properties.quietHours().end(), ZoneId.of(zone));
    }

    QuietHours(boolean enabled, LocalTime start, LocalTime end, ZoneId zone) {
        this.enabled = enabled;
        this.start = start;
        this.end = end;
        this.zone = zone;
    }

    boolean isQuiet(Instant at) {
        if (!enabled || start.equals(end)) return false;
        LocalTime t = at.atZone(zone).toLocalTime();
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** {@code at} itself when it is not quiet, else the moment the quiet hours end. */
    Instant nextAllowed(Instant at) {
        if (!isQuiet(at)) return at;
        ZonedDateTime z = at.atZone(zone);
        ZonedDateTime endToday = z.with(end).withSecond(0).withNano(0);
        return (endToday.isAfter(z) ? endToday : endToday.plusDays(1)).toInstant();
    }

    ZoneId zone() {
        return zone;
    }

    String describe() {
        return enabled && !start.equals(end) ? start + "–" + end : "—";
    }
}
