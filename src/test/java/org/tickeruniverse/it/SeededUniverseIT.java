package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The seeded universe on real stores: in the universe from start-up, re-upserted daily, never
 * evicted.
 */
@RealServers
class SeededUniverseIT {

  static final String TABLE = "ticker_universe.ticker_universe";

  @TempDir Path dir;

  @Test
  void seedsAreInTheUniverseAtStartUpAndTheirReferenceIsRenewedDaily(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    redis.flushAll();
    Path seeds = dir.resolve("seeds.txt");
    Files.writeString(seeds, "# test seeds\nAAPL\n\n^gspc\nVOD.L  # a comment\n");
    MutableClock clock = MutableClock.at("2026-11-24T10:01:00Z");
    try (ServiceHarness service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=buffer,flush,evict,universe",
                "--universe.seedFile=" + seeds,
                "--universe.refreshSeconds=1",
                "--privacy.profile=standard"),
            clock)) {
      mysql.execute(
          "DELETE FROM " + TABLE + " WHERE yahoo_ticker NOT IN ('AAPL', '^GSPC', 'VOD.L')");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          service
                              .request(Addresses.LIST, new JsonObject())
                              .getJsonArray(Messages.TICKERS)
                              .getList())
                      .containsExactly("AAPL", "VOD.L", "^GSPC"));
      // Last referenced on the UTC day of the upsert (the default stamp precision).
      assertThat(mysql.query("SELECT DISTINCT last_referenced_at FROM " + TABLE))
          .containsExactly(List.of("2026-11-24 00:00:00.000000"));

      // A day later (by the service's clock) the next safety refresh upserts them again.
      clock.set(Instant.parse("2026-11-25T10:07:00Z"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(mysql.query("SELECT DISTINCT last_referenced_at FROM " + TABLE))
                      .containsExactly(List.of("2026-11-25 00:00:00.000000")));

      // Sixty days on, eviction keeps them: the daily upsert keeps them referenced.
      clock.set(Instant.parse("2027-01-30T10:01:00Z"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(mysql.query("SELECT DISTINCT last_referenced_at FROM " + TABLE))
                      .containsExactly(List.of("2027-01-30 00:00:00.000000")));
      assertThat(service.request(Addresses.EVICT, new JsonObject()).getLong(Messages.DELETED))
          .isZero();
      assertThat(mysql.query("SELECT COUNT(*) FROM " + TABLE).get(0).get(0)).isEqualTo("3");
    }
  }
}
