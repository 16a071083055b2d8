package org.tickeruniverse.evict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cut-off arithmetic of a spread eviction run, alone (the SQL is checked in EvictSpreadIT). */
class EvictCutoffsTest {

  static final Instant NOW = Instant.parse("2026-11-24T03:30:00Z");

  @Test
  void withoutSpreadBothCutOffsAreTheTtl() {
    for (int spread : new int[] {0, 1}) {
      EvictCutoffs c = EvictCutoffs.at(NOW, 60, spread);
      assertThat(c.ttl()).isEqualTo(Instant.parse("2026-09-25T03:30:00Z"));
      assertThat(c.all()).isEqualTo(c.ttl());
      assertThat(c.spread()).isFalse();
      assertThat(EvictCutoffs.offsetDays("secret", "AAPL", spread)).isZero();
    }
  }

  @Test
  void theLastDayOfTheSpreadEvictsEveryRowOlderThanIt() {
    EvictCutoffs c = EvictCutoffs.at(NOW, 60, 14);
    assertThat(c.spread()).isTrue();
    assertThat(c.ttl()).isEqualTo(Instant.parse("2026-09-25T03:30:00Z"));
    assertThat(c.all())
        .as("ttl − 13 days: the largest offset")
        .isEqualTo(c.ttl().minusSeconds(13 * 86_400));
    assertThat(c.cutoff(0)).isEqualTo(c.ttl());
    assertThat(c.cutoff(13)).isEqualTo(c.all());
  }

  @Test
  void aRowIsEvictedOnceItIsOlderThanTheTtlPlusItsOffsetAndNeverBeforeTheTtl() {
    Instant referenced = Instant.parse("2026-09-01T00:00:00Z");
    // Day by day after the TTL, a row of offset o goes on day o (strictly older than its cut-off).
    for (int offset = 0; offset < 14; offset++) {
      for (int day = 0; day < 14; day++) {
        Instant now = referenced.plusSeconds((60L + day) * 86_400 + 3_600);
        EvictCutoffs c = EvictCutoffs.at(now, 60, 14);
        assertThat(c.evicts(referenced, offset))
            .as("offset %d, day %d", offset, day)
            .isEqualTo(day >= offset);
      }
    }
    // Exactly at the TTL: kept (strictly older only), whatever the offset.
    EvictCutoffs atTtl = EvictCutoffs.at(referenced.plusSeconds(60L * 86_400), 60, 14);
    assertThat(atTtl.evicts(referenced, 0)).isFalse();
    // Newer than the TTL: never, even past the spread's offsets.
    EvictCutoffs c = EvictCutoffs.at(NOW, 60, 14);
    assertThat(c.evicts(c.ttl().plusNanos(1000), 0)).isFalse();
    assertThat(c.evicts(c.ttl(), 0)).isFalse();
    // Older than ttl + spread − 1 days: always, whatever the offset.
    assertThat(c.evicts(c.all().minusNanos(1000), 13)).isTrue();
  }

  @Test
  void theOffsetIsStablePerTickerWithinTheSpreadAndDependsOnTheSecret() {
    assertThat(EvictCutoffs.offsetDays("s1", "AAPL", 14))
        .isEqualTo(EvictCutoffs.offsetDays("s1", "AAPL", 14));
    // What MariaDB's CONV(LEFT(SHA2(CONCAT('abc123', 'T1'), 256), 8), 16, 10) % 14 gives.
    assertThat(EvictCutoffs.offsetDays("abc123", "T1", 14)).isEqualTo(10);
    assertThat(EvictCutoffs.offsetDays("abc123", "T2", 14)).isEqualTo(6);
    Map<Integer, Integer> perDay = new HashMap<>();
    int differ = 0;
    for (int i = 0; i < 14_000; i++) {
      int o = EvictCutoffs.offsetDays("secret-one", "T" + i, 14);
      assertThat(o).isBetween(0, 13);
      perDay.merge(o, 1, Integer::sum);
      if (o != EvictCutoffs.offsetDays("secret-two", "T" + i, 14)) {
        differ++;
      }
    }
    assertThat(perDay).hasSize(14);
    // About 1,000 a day; a 5σ band (σ ≈ 30).
    assertThat(perDay.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    assertThat(differ).as("another secret, other days (13/14 expected)").isGreaterThan(12_000);
  }
}
