package org.tickeruniverse.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.it.faults.Faults.figure;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;

/**
 * Two nodes whose clocks differ by 3 s, both uploading and flushing across several bucket
 * boundaries: the node ahead closes and flushes a bucket while the node behind still writes into
 * it; those late writes stay in the key and the next run flushes them. Nothing acknowledged is lost
 * and every stamp is a bucket end. The node ahead runs on a shifted clock handed to {@code
 * Main.run} (testsupport/SkewedClockMain).
 */
@RealServers
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClockSkewFaultIT {

  static final int BUCKET = 5;

  @Test
  void nodesWhoseClocksDifferByThreeSecondsLoseNothingAcrossBucketBoundaries(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    Map<String, String> settings =
        Map.of(
            "TU_BUFFER_BUCKET_SECONDS",
            Integer.toString(BUCKET),
            "TU_FLUSH_GRACE_SECONDS",
            "1",
            "TU_FLUSH_LEASE_SECONDS",
            "4"); // shorter than the bucket, as configuration requires
    try (Service behind = Service.start(redis.url(), mysql.url(), settings);
        Service ahead = Service.start(redis.url(), mysql.url(), settings, Duration.ofSeconds(3));
        Uploaders onBehind = new Uploaders(behind, 8, "A");
        Uploaders onAhead = new Uploaders(ahead, 8, "Z")) {
      Thread.sleep(2L * BUCKET * 1000 + 3000); // two boundaries and then some, on both clocks
      onBehind.close();
      onAhead.close();
      Set<String> acked = new HashSet<>(onBehind.acknowledged);
      acked.addAll(onAhead.acknowledged);
      // No fault is injected: every upload is answered, and only with 202, or, rarely, with the
      // 503 a node answers when it cannot keep up (one in ~28,000 on a loaded 2-core machine);
      // such a refusal was never acknowledged, so it cannot hide a loss.
      int refused = onBehind.count(503) + onAhead.count(503);
      assertThat(onBehind.errors() + onAhead.errors() - refused)
          .as("%s / %s", onBehind, onAhead)
          .isZero();
      assertThat(refused).as("%s / %s", onBehind, onAhead).isLessThanOrEqualTo(acked.size() / 1000);
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Set<String> stored = Faults.tickersLike(mysql, "A");
                stored.addAll(Faults.tickersLike(mysql, "Z"));
                return stored.containsAll(acked);
              });
      List<List<String>> stamps =
          mysql.query("SELECT DISTINCT UNIX_TIMESTAMP(last_referenced_at) FROM " + Faults.TABLE);
      assertThat(stamps)
          .allSatisfy(
              row ->
                  assertThat(Math.round(Double.parseDouble(row.get(0))) % BUCKET)
                      .as("a bucket end, never the time of a run")
                      .isZero());
      figure(
          "two nodes, clocks 3 s apart, " + BUCKET + " s buckets, 16 uploaders",
          "acknowledged "
              + acked.size()
              + " all in MySQL ("
              + Faults.rows(mysql)
              + " rows), refused "
              + refused
              + ", "
              + stamps.size()
              + " distinct stamps, all bucket ends");
    }
  }
}
