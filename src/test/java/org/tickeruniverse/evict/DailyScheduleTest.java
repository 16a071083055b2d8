package org.tickeruniverse.evict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DailyScheduleTest {

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  @Test
  void laterTodayWhenTheTimeIsStillAhead() {
    DailySchedule s = new DailySchedule(LocalTime.of(3, 30));
    assertThat(s.millisUntilNext(at("2026-11-24T03:00:00Z"))).isEqualTo(30 * 60_000L);
  }

  @Test
  void tomorrowWhenTheTimeHasPassedOrIsNow() {
    DailySchedule s = new DailySchedule(LocalTime.of(3, 30));
    assertThat(s.millisUntilNext(at("2026-11-24T03:30:00Z"))).isEqualTo(24 * 3_600_000L);
    assertThat(s.millisUntilNext(at("2026-11-24T04:00:00Z")))
        .isEqualTo(23 * 3_600_000L + 30 * 60_000L);
  }
}
