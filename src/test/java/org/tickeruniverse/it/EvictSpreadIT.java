package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.evict.EvictCutoffs;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.StoreFixture;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * {@code evict.spreadDays} on a real MariaDB, through the EvictVerticle, with a clock the test
 * moves (docs/DESIGN.md#evict): rows last referenced together — one leaver's holdings — leave on
 * different days within the spread, each on the day its ticker's secret offset says, and none
 * outlives TTL + spread; with a spread of 0 all leave at the TTL, as before.
 */
class EvictSpreadIT extends StoreFixture {

  static final String SECRETS = "ticker_universe.ticker_universe_secret";
  static final int TTL_DAYS = 60;
  static final int SPREAD = 14;
  static final int STALE = 200;

  /** When the 200 stale rows were last referenced (a day-precision stamp). */
  static final Instant REFERENCED = Instant.parse("2026-09-01T00:00:00Z");

  @BeforeEach
  void emptyTables() {
    mysql.execute("DELETE FROM " + TABLE);
    mysql.execute("DELETE FROM " + SECRETS);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < STALE; i++) {
      values.add(String.format("('S%03d', '2026-08-01', '2026-09-01 00:00:00')", i));
    }
    // Referenced after the last cut-off of any run below: never past the TTL here.
    for (int i = 0; i < 50; i++) {
      values.add(String.format("('FRESH%02d', '2026-08-01', '2026-09-15 04:00:00')", i));
    }
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
            + String.join(", ", values));
  }

  void start(int spreadDays, Instant now) {
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=evict",
                "--evict.spreadDays=" + spreadDays,
                // Several batches per run, with rows kept back between the deleted ones.
                "--evict.batchSize=7",
                "--evict.pauseMillis=1"),
            new MutableClock(now));
  }

  long evict() {
    return service.request(Addresses.EVICT, new JsonObject()).getLong(Messages.DELETED);
  }

  /** The run's clock on day {@code d} after the TTL, at the default daily time. */
  static Instant day(int d) {
    return REFERENCED.plus(Duration.ofDays(TTL_DAYS + d)).plus(Duration.ofMinutes(210));
  }

  List<String> left(String like) {
    return mysql
        .query(
            "SELECT yahoo_ticker FROM "
                + TABLE
                + " WHERE yahoo_ticker LIKE '"
                + like
                + "%' ORDER BY yahoo_ticker")
        .stream()
        .map(r -> r.get(0))
        .toList();
  }

  String secret() {
    List<List<String>> rows =
        mysql.query("SELECT secret FROM " + SECRETS + " WHERE name = 'evict.spread'");
    assertThat(rows).as("one secret").hasSize(1);
    return rows.get(0).get(0);
  }

  @Test
  void staleRowsOfOneMomentLeaveOverTheSpreadEachOnItsDayAndNoneOutlivesIt() {
    start(SPREAD, day(0));

    long firstRun = evict();
    String secret = secret();
    assertThat(secret).as("256 random bits, hex").matches("[0-9a-f]{64}");
    Map<String, Integer> offsets = new HashMap<>();
    for (int i = 0; i < STALE; i++) {
      String t = String.format("S%03d", i);
      offsets.put(t, EvictCutoffs.offsetDays(secret, t, SPREAD));
    }
    Map<Integer, Long> perDay =
        offsets.values().stream().collect(Collectors.groupingBy(o -> o, Collectors.counting()));
    assertThat(firstRun)
        .as("the first run takes some but not all of the 200")
        .isPositive()
        .isLessThan(STALE)
        .isEqualTo(perDay.getOrDefault(0, 0L));

    for (int d = 0; d < SPREAD; d++) {
      if (d > 0) {
        service.clock().set(day(d));
        assertThat(evict())
            .as("day %d: the rows whose offset is %d", d, d)
            .isEqualTo(perDay.getOrDefault(d, 0L));
      }
      int today = d;
      assertThat(left("S"))
          .as("day %d: exactly the rows of a later offset are left", d)
          .containsExactlyElementsOf(
              offsets.entrySet().stream()
                  .filter(e -> e.getValue() > today)
                  .map(Map.Entry::getKey)
                  .sorted()
                  .toList());
      assertThat(evict()).as("day %d: a second run the same day takes nothing more", d).isZero();
      assertThat(left("FRESH")).as("day %d: rows within the TTL stay", d).hasSize(50);
    }
    assertThat(left("S")).as("after TTL + spread none is left").isEmpty();
    assertThat(perDay.size()).as("the 200 left on many different days").isGreaterThan(SPREAD / 2);
    assertThat(secret()).as("the key never changes once drawn").isEqualTo(secret);

    // A node started afterwards (another process, say) finds the same key.
    service.close();
    start(SPREAD, day(SPREAD));
    assertThat(evict()).isZero();
    assertThat(secret()).isEqualTo(secret);
    assertThat(left("FRESH")).hasSize(50);
  }

  @Test
  void withoutSpreadAllStaleRowsLeaveInOneRunAtTheTtlAsBefore() {
    start(0, day(0));
    service.clock().set(REFERENCED.plus(Duration.ofDays(TTL_DAYS)));
    assertThat(evict()).as("at exactly the TTL nothing is older than the cut-off").isZero();

    service.clock().set(REFERENCED.plus(Duration.ofDays(TTL_DAYS)).plusMillis(1));
    assertThat(evict()).isEqualTo(STALE);
    assertThat(left("S")).isEmpty();
    assertThat(left("FRESH")).hasSize(50);
    assertThat(mysql.query("SELECT COUNT(*) FROM " + SECRETS).get(0))
        .as("no key is drawn where none is needed")
        .containsExactly("0");
  }
}
