package org.tickeruniverse.evict;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** When a job that runs once a day at a UTC time of day runs next. Pure. */
public final class DailySchedule {

  private final LocalTime atUtc;

  public DailySchedule(LocalTime atUtc) {
    this.atUtc = atUtc;
  }

  /** Milliseconds from the clock's now until the next occurrence (strictly in the future). */
  public long millisUntilNext(Clock clock) {
    ZonedDateTime now = clock.instant().atZone(ZoneOffset.UTC);
    ZonedDateTime next = now.toLocalDate().atTime(atUtc).atZone(ZoneOffset.UTC);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    return Duration.between(now, next).toMillis();
  }
}
