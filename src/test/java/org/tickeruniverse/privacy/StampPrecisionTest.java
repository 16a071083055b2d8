package org.tickeruniverse.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigLoader;

/** The one place {@code last_referenced_at} is cut, alone. */
class StampPrecisionTest {

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void dayCutsEveryStampOfAUtcDayToItsMidnight() {
    Instant midnight = at("2026-11-24T00:00:00Z");
    for (String stamp :
        List.of(
            "2026-11-24T00:00:00Z",
            "2026-11-24T00:05:00Z",
            "2026-11-24T10:05:00Z",
            "2026-11-24T23:55:00Z",
            "2026-11-24T23:59:59.999999Z")) {
      assertThat(StampPrecision.DAY.lastReferenced(at(stamp))).as(stamp).isEqualTo(midnight);
    }
    assertThat(StampPrecision.DAY.lastReferenced(at("2026-11-25T00:00:00Z")))
        .as("the next day is the next value")
        .isEqualTo(at("2026-11-25T00:00:00Z"));
    assertThat(StampPrecision.DAY.lastReferenced(at("2026-11-23T23:55:00Z")))
        .isEqualTo(at("2026-11-23T00:00:00Z"));
  }

  @Test
  void dayNeverMovesAStampForwardAndKeepsTheOrderOfDays() {
    Instant earlier = at("2026-03-29T00:55:00Z"); // a European DST change: UTC has none
    Instant later = at("2026-03-29T23:05:00Z");
    assertThat(StampPrecision.DAY.lastReferenced(earlier)).isBeforeOrEqualTo(earlier);
    assertThat(StampPrecision.DAY.lastReferenced(later))
        .isEqualTo(StampPrecision.DAY.lastReferenced(earlier));
    assertThat(StampPrecision.DAY.lastReferenced(at("2026-03-30T00:00:00Z")))
        .isAfter(StampPrecision.DAY.lastReferenced(later));
  }

  @Test
  void exactKeepsTheStampAsGiven() {
    for (String stamp : List.of("2026-11-24T10:05:00Z", "2026-11-24T00:00:00Z")) {
      assertThat(StampPrecision.EXACT.lastReferenced(at(stamp))).isEqualTo(at(stamp));
    }
  }

  @Test
  void theSettingIsDayByDefaultAndAcceptsExact() {
    assertThat(
            StampPrecision.of(
                ConfigLoader.load(List.of(), Map.of("TU_AUTH_DISABLED", "true"))
                    .privacy()
                    .stampPrecision()))
        .isEqualTo(StampPrecision.DAY);
    assertThat(
            StampPrecision.of(
                ConfigLoader.load(
                        List.of(),
                        Map.of("TU_AUTH_DISABLED", "true", "TU_PRIVACY_STAMP_PRECISION", "EXACT"))
                    .privacy()
                    .stampPrecision()))
        .isEqualTo(StampPrecision.EXACT);
    assertThatThrownBy(() -> StampPrecision.of("hour"))
        .hasMessageContaining("TU_PRIVACY_STAMP_PRECISION");
  }
}
