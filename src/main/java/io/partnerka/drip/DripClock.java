package io.partnerka.drip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The drip module's idea of "now": the system clock, moved forward by the sandbox's {@code /drip_run 3d}, or fixed
 * by a test. Every due time and every quiet-hours check goes through it (never the database's now()).
 */
@Component
class DripClock extends Clock {

    private final ZoneId zone;
    private volatile Duration offset = Duration.ZERO;
    private volatile Instant fixed;

    DripClock(@Value("${partnerka.time-zone:Europe/Moscow}") String zone) {
        this.zone = ZoneId.of(zone);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }

    @Override
    public Instant instant() {
        Instant f = fixed;
        return f != null ? f : Instant.now().plus(offset);
    }

    /** Moves "now" forward (the sandbox's time travel, a test's waiting). */
    synchronized void advance(Duration by) {
        if (fixed != null) fixed = fixed.plus(by); else offset = offset.plus(by);
    }

    /** Stops the clock at {@code at} (tests). */
    void fix(Instant at) {
        fixed = at;
    }

    /** Back to the system clock. */
    synchronized void reset() {
        fixed = null;
        offset = Duration.ZERO;
    }

    Duration offset() {
        return fixed != null ? Duration.between(Instant.now(), fixed) : offset;
    }
}
