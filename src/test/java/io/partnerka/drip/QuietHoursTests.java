package io.partnerka.drip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** 21:00–09:00 in the program's zone, across midnight; a held message goes out when they end. */
class QuietHoursTests {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private final QuietHours quiet = new QuietHours(true, LocalTime.of(21, 0), LocalTime.of(9, 0), MOSCOW);

    private static Instant at(String localTime) {
        return ZonedDateTime.of(2030, 3, 4, 0, 0, 0, 0, MOSCOW).with(LocalTime.parse(localTime)).toInstant();
    }

    @Test
    void quietFromNineInTheEveningToNineInTheMorning() {
        assertThat(quiet.isQuiet(at("20:59"))).isFalse();
        assertThat(quiet.isQuiet(at("21:00"))).isTrue();
        assertThat(quiet.isQuiet(at("03:00"))).isTrue();
        assertThat(quiet.isQuiet(at("08:59"))).isTrue();
        assertThat(quiet.isQuiet(at("09:00"))).isFalse();
        assertThat(quiet.isQuiet(at("14:00"))).isFalse();
    }

    @Test
    void theNextAllowedMomentIsTheEndOfTheQuietHours() {
        assertThat(quiet.nextAllowed(at("14:00"))).isEqualTo(at("14:00"));
        assertThat(quiet.nextAllowed(at("03:00"))).isEqualTo(at("09:00"));
        assertThat(quiet.nextAllowed(at("22:30"))).isEqualTo(at("09:00").plusSeconds(24 * 3600));
    }

    @Test
    void aDaytimeWindowAndSwitchingOffWorkToo() {
        QuietHours lunch = new QuietHours(true, LocalTime.of(13, 0), LocalTime.of(14, 0), MOSCOW);
        assertThat(lunch.isQuiet(at("13:30"))).isTrue();
        assertThat(lunch.isQuiet(at("14:00"))).isFalse();
        assertThat(new QuietHours(false, LocalTime.of(21, 0), LocalTime.of(9, 0), MOSCOW).isQuiet(at("23:00"))).isFalse();
    }
}
