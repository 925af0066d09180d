package io.countersign.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Quiet hours: when a message waits, until when, across midnight and time zones; bad values named. */
class QuietHoursTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void overnightQuietHoursHoldUntilTheMorningInTheGroupsZone() {
        // 23:30 in Berlin (22:30 UTC in winter) is quiet until 07:00 Berlin, 06:00 UTC the next day
        assertThat(FloodControl.quietEnd("22:00-07:00", OffsetDateTime.parse("2026-12-07T22:30:00Z"), BERLIN))
                .contains(OffsetDateTime.parse("2026-12-08T06:00:00Z"));
        // 05:00 Berlin: still quiet, until 07:00 the same day
        assertThat(FloodControl.quietEnd("22:00-07:00", OffsetDateTime.parse("2026-12-08T04:00:00Z"), BERLIN))
                .contains(OffsetDateTime.parse("2026-12-08T06:00:00Z"));
        // 12:00 Berlin: awake
        assertThat(FloodControl.quietEnd("22:00-07:00", OffsetDateTime.parse("2026-12-08T11:00:00Z"), BERLIN)).isEmpty();
        // the end itself is awake
        assertThat(FloodControl.quietEnd("22:00-07:00", OffsetDateTime.parse("2026-12-08T06:00:00Z"), BERLIN)).isEmpty();
    }

    @Test
    void daytimeQuietHoursWork() {
        assertThat(FloodControl.quietEnd("12:00-13:00", OffsetDateTime.parse("2026-12-08T12:15:00Z"), ZoneId.of("UTC")))
                .contains(OffsetDateTime.parse("2026-12-08T13:00:00Z"));
        assertThat(FloodControl.quietEnd("12:00-13:00", OffsetDateTime.parse("2026-12-08T13:15:00Z"), ZoneId.of("UTC")))
                .isEmpty();
    }

    @Test
    void unusableValuesAreNamed() {
        assertThat(FloodControl.quietProblem("22:00-07:00")).isNull();
        assertThat(FloodControl.quietProblem("22-7")).isEqualTo("must be HH:mm-HH:mm");
        assertThat(FloodControl.quietProblem("evenings")).isEqualTo("must be HH:mm-HH:mm");
        assertThat(FloodControl.quietProblem("08:00-08:00")).isEqualTo("must not start and end at the same time");
    }
}
