package org.tickeruniverse.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BucketsTest {

  private static Buckets at(long epochSeconds, long millis) {
    Clock clock =
        Clock.fixed(Instant.ofEpochSecond(epochSeconds).plusMillis(millis), ZoneOffset.UTC);
    return new Buckets("ticker_universe", 300, 5, clock);
  }

  @Test
  void bucketStartIsFlooredToTheWidth() {
    Buckets b = at(1_700_000_123, 0);
    assertThat(b.startOf(1_700_000_123)).isEqualTo(1_700_000_100);
    assertThat(b.startOf(1_700_000_100)).isEqualTo(1_700_000_100);
    assertThat(b.startOf(1_700_000_099)).isEqualTo(1_699_999_800);
    assertThat(b.currentStart()).isEqualTo(1_700_000_100);
  }

  @Test
  void keysUseThePrefixAndTheStartInDecimal() {
    Buckets b = at(1_700_000_100, 0);
    assertThat(b.currentKey()).isEqualTo("ticker_universe:buffer:1700000100");
    assertThat(b.key(300)).isEqualTo("ticker_universe:buffer:300");
  }

  @Test
  void aBucketsDayIsTheUtcDateOfItsStartAndNamesItsPoolScratchKey() {
    Buckets b = at(0, 0);
    long lastOfDay = Instant.parse("2026-11-24T23:55:00Z").getEpochSecond();
    assertThat(b.utcDateOf(lastOfDay)).hasToString("2026-11-24");
    assertThat(b.utcDateOf(lastOfDay + 300)).hasToString("2026-11-25");
    assertThat(b.utcDateOf(-300)).hasToString("1969-12-31");
    assertThat(b.poolScratchKey(b.utcDateOf(lastOfDay)))
        .isEqualTo("ticker_universe:contributors:pool:2026-11-24");
    assertThat(b.parseKey(b.poolScratchKey(b.utcDateOf(0)))).as("not a bucket").isEmpty();
    assertThat(b.privacySecretKey()).isEqualTo("ticker_universe:privacy-secret");
    assertThat(b.startOfKey("ticker_universe:buffer:600")).isEqualTo(600);
  }

  @Test
  void parsesOnlyAlignedKeysOfItsOwnPrefix() {
    Buckets b = at(0, 0);
    assertThat(b.parseKey("ticker_universe:buffer:1700000100")).hasValue(1_700_000_100);
    assertThat(b.parseKey("ticker_universe:buffer:1700000101")).isEmpty();
    assertThat(b.parseKey("ticker_universe:buffer:")).isEmpty();
    assertThat(b.parseKey("ticker_universe:buffer:12a")).isEmpty();
    assertThat(b.parseKey("other:buffer:1700000100")).isEmpty();
    assertThat(b.parseKey("ticker_universe:lease:flush")).isEmpty();
    assertThat(b.parseKey("ticker_universe:buffer:99999999999999999999")).isEmpty();
  }

  @Test
  void aBucketClosesAfterItsEndPlusGrace() {
    long start = 1_700_000_100;
    long end = start + 300;
    assertThat(at(end - 1, 999).isClosed(start)).isFalse();
    assertThat(at(end + 4, 999).isClosed(start)).isFalse();
    assertThat(at(end + 5, 0).isClosed(start)).isTrue();
    assertThat(at(end + 5, 0).isClosed(start + 300)).isFalse();
  }

  @Test
  void nextFlushIsTheNextBoundaryPlusGrace() {
    long boundary = 1_700_000_100;
    assertThat(at(boundary, 0).millisUntilNextFlush()).isEqualTo(5_000);
    assertThat(at(boundary + 4, 999).millisUntilNextFlush()).isEqualTo(1);
    // exactly at boundary + grace the timer has just fired: the next one is a whole period away
    assertThat(at(boundary + 5, 0).millisUntilNextFlush()).isEqualTo(300_000);
    assertThat(at(boundary + 5, 1).millisUntilNextFlush()).isEqualTo(299_999);
    assertThat(at(boundary - 1, 0).millisUntilNextFlush()).isEqualTo(6_000);
  }

  @Test
  void stampIsTheBucketEnd() {
    assertThat(at(0, 0).stampOf(1_700_000_100)).isEqualTo(Instant.ofEpochSecond(1_700_000_400));
  }

  @Test
  void scanPatternEscapesGlobCharactersOfThePrefix() {
    Buckets tagged = new Buckets("{ticker_universe}", 300, 5, Clock.systemUTC());
    assertThat(tagged.scanPattern()).isEqualTo("{ticker_universe}:buffer:*");
    Buckets odd = new Buckets("a*b?[c]", 300, 5, Clock.systemUTC());
    assertThat(odd.scanPattern()).isEqualTo("a\\*b\\?\\[c\\]:buffer:*");
  }

  @Test
  void epochStartsBeforeNineteenSeventyFloorDownwards() {
    assertThat(at(0, 0).startOf(-1)).isEqualTo(-300);
  }
}
