package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.flush.FlushVerticle;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * A node killed with SIGKILL while it holds the flush lease in the middle of a large flush: no
 * other node flushes while the lease lives, another completes the flush once it expired, and
 * nothing is lost or written twice.
 *
 * <p>The victim is a real process ({@code java … org.tickeruniverse.Main -cluster}, configured by
 * environment variables as in production) that joins the test's cluster and flushes at start-up;
 * the survivor is a clustered Vert.x in this JVM.
 */
@RealServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterLeaseKillIT {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final int TICKERS = 40_000;
  static final int LEASE_SECONDS = 5;
  static final String LEASE_KEY = "ticker_universe:lease:flush";

  @Test
  void killingTheLeaseHolderMidFlushDelaysTheFlushByAtMostOneLeaseAndLosesNothing(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    TestConfigs.Cluster cluster = TestConfigs.Cluster.create();
    List<String> settings = new ArrayList<>(cluster.args());
    settings.addAll(
        List.of(
            "--node.verticles=universe",
            "--flush.leaseSeconds=" + LEASE_SECONDS,
            "--flush.chunkSize=10"));
    // An hour-old bucket: closed for any clock, flushed at once by whoever holds the lease.
    long start = Math.floorDiv(Instant.now().getEpochSecond() - 3600, 300) * 300;
    String key = "ticker_universe:buffer:" + start;
    for (int from = 0; from < TICKERS; from += 1000) {
      List<String> sadd = new ArrayList<>(List.of("SADD", key));
      for (int i = from; i < from + 1000; i++) {
        sadd.add("K" + i);
      }
      redis.command(sadd.toArray(String[]::new));
    }

    try (ServiceHarness survivor =
        ServiceHarness.start(
            TestConfigs.forUrls(redis.url(), mysql.url(), settings), Clock.systemUTC())) {
      List<FlushCounts> flushed = new CopyOnWriteArrayList<>();
      survivor.client().onFlushed(flushed::add).completion().await(30, TimeUnit.SECONDS);

      Map<String, String> env = new HashMap<>(cluster.env());
      env.putAll(
          Map.of(
              "TU_REDIS_URL",
              redis.url(),
              "TU_MYSQL_URL",
              mysql.url(),
              "TU_NODE_VERTICLES",
              "flush",
              "TU_FLUSH_LEASE_SECONDS",
              String.valueOf(LEASE_SECONDS),
              "TU_FLUSH_CHUNK_SIZE",
              "10"));
      String holder;
      try (NodeProcess victim = NodeProcess.start(env, "-cluster")) {
        // The victim joins the cluster, migrates, and flushes at start-up: rows start to appear.
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(20))
            .failFast("the victim died: " + victim.logTail(40), () -> !victim.isAlive())
            .until(() -> count(mysql) > 0);
        holder = (String) redis.command("GET", LEASE_KEY);
        assertThat(holder).as("the victim holds the lease").isNotNull();

        // While it lives, nobody else flushes: the survivor's FlushVerticle finds the lease taken.
        survivor
            .vertx()
            .deployVerticle(
                () ->
                    new FlushVerticle(
                        survivor.config(), Clock.systemUTC(), ServiceMetrics.detached()),
                new DeploymentOptions())
            .await(30, TimeUnit.SECONDS);
        UniverseClient local =
            UniverseClient.create(
                survivor.vertx(), new DeliveryOptions().setLocalOnly(true).setSendTimeout(60_000));
        // Refused truthfully: 409 busy with the seconds until the holder's lease ends, never zeros.
        assertThatThrownBy(() -> local.flush().await(60, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(
                ReplyException.class,
                e -> {
                  assertThat(e.failureCode()).isEqualTo(409);
                  JsonObject details = new JsonObject(e.getMessage());
                  assertThat(details.getString("code")).isEqualTo("busy");
                  assertThat(details.getInteger("retryAfterSeconds"))
                      .isBetween(1, LEASE_SECONDS + 1);
                });

        victim.kill();
      }
      long killedAt = System.nanoTime();
      long rowsAtKill = count(mysql);
      long leftInRedis = (Long) redis.command("SCARD", key);
      assertThat(rowsAtKill).as("killed in the middle of the flush").isBetween(1L, TICKERS - 1L);
      assertThat(rowsAtKill + leftInRedis)
          .as("every ticker is in MySQL or still in Redis")
          .isGreaterThanOrEqualTo(TICKERS);
      assertThat(redis.command("GET", LEASE_KEY))
          .as("the dead node's lease lives on until it expires")
          .isNotNull();

      // Nobody asks: the survivor's FlushVerticle, refused while the victim lived, tries again
      // when the lease would expire, and takes over once the dead node's lease is gone.
      await()
          .atMost(Duration.ofSeconds(LEASE_SECONDS + 30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                Object now = redis.command("GET", LEASE_KEY);
                return now != null && !now.equals(holder);
              });
      long tookOverAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertThat(tookOverAfter)
          .as("at most one lease (%d s) after the kill", LEASE_SECONDS)
          .isLessThanOrEqualTo(LEASE_SECONDS * 1000L + 1000);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> count(mysql) == TICKERS && flushed.size() == 1);

      assertThat(count(mysql)).isEqualTo(TICKERS);
      assertThat(redis.command("EXISTS", key)).isEqualTo(0L);
      String stamp =
          Instant.ofEpochSecond(start + 300).toString().replace('T', ' ').replace("Z", ".000000");
      assertThat(
              mysql
                  .query(
                      "SELECT MIN(first_seen_at), MAX(first_seen_at), MIN(last_referenced_at), "
                          + "MAX(last_referenced_at) FROM "
                          + TABLE)
                  .get(0))
          .as("one bucket, one stamp")
          .containsOnly(stamp);
      FlushCounts takeover = flushed.get(0);
      assertThat(takeover.inserted())
          .as("exactly what the victim had not written")
          .isEqualTo(TICKERS - rowsAtKill);
      assertThat(takeover.read()).isEqualTo(leftInRedis);
      // What the victim wrote but had not yet removed from Redis is read again and found present.
      assertThat(takeover.bumped())
          .as("rows the victim wrote but had not removed")
          .isEqualTo(leftInRedis - (TICKERS - rowsAtKill));
    }
  }

  static long count(MariaDbServer mysql) {
    try {
      return Long.parseLong(mysql.query("SELECT COUNT(*) FROM " + TABLE).get(0).get(0));
    } catch (RuntimeException noTableYet) {
      return 0;
    }
  }
}
