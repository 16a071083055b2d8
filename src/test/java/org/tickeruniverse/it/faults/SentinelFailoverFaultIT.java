package org.tickeruniverse.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.it.faults.Faults.figure;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisSentinelServer;
import org.tickeruniverse.testsupport.RedisServer;

/**
 * The failover drill (docs/DESIGN.md#durability-acknowledged-means-replicated): a real Sentinel
 * set-up — one primary, one replica, three sentinels (quorum 2, down after 1 s) — under uploaders
 * through a service process; the primary is SIGKILLed, the sentinels promote the replica, the
 * service follows the new primary by itself, and the killed node is restarted (as systemd would)
 * and rejoins as a replica. Then the buckets are flushed and every acknowledged ticker is looked up
 * in MySQL.
 *
 * <p>With {@code TU_BUFFER_ACK_REPLICAS=1} nothing acknowledged may be lost, and callers see
 * bounded 503s until the new primary has a replica again. With 0, what was lost is reported, not
 * asserted: on one machine replication over loopback is usually ahead of the kill.
 */
@RealServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SentinelFailoverFaultIT {

  static final String PREFIX = "ticker_universe";

  /** Set by scripts/failover-report.sh to run the measurement below too. */
  static final String MEASURE_PROPERTY = "tu.measure";

  @Test
  void ackReplicasOneLosesNothingAcknowledgedWhenThePrimaryIsKilled(MariaDbServer mysql)
      throws Exception {
    Drill d = drill(mysql, 1, "FA");
    assertThat(d.lost).as("acknowledged but not in MySQL").isEmpty();
    assertThat(d.load.count(503)).as("the failover was felt and told: 503").isPositive();
    assertThat(d.load.errors())
        .as("every error a 503, no hang, no reset (%s)", d.load)
        .isEqualTo(d.load.count(503));
    assertThat(d.load.slowestMillis.get())
        .as("no call waits past the bus time-out")
        .isLessThan(StoreFaultIT.BUS_TIMEOUT_MILLIS + 1500);
  }

  /**
   * A measurement, not a check (it asserts only the bounded wait): what asynchronous replication
   * loses. Run by {@code scripts/failover-report.sh}, outside the suite's time budget.
   */
  @Test
  @EnabledIfSystemProperty(named = MEASURE_PROPERTY, matches = "true")
  void ackReplicasZeroReportsWhatAFailoverLost(MariaDbServer mysql) throws Exception {
    Drill d = drill(mysql, 0, "FZ");
    // Reported, not asserted: asynchronous replication may lose the last writes of a killed
    // primary; how many depends on the lag at the moment of the kill.
    assertThat(d.load.slowestMillis.get())
        .as("no call waits past the bus time-out")
        .isLessThan(StoreFaultIT.BUS_TIMEOUT_MILLIS + 1500);
  }

  record Drill(Uploaders load, Set<String> acknowledged, Set<String> lost) {}

  static Drill drill(MariaDbServer mysql, int ackReplicas, String prefix) throws Exception {
    try {
      mysql.execute("TRUNCATE TABLE " + Faults.TABLE);
    } catch (RuntimeException noTableYet) {
      // created by the service's migration
    }
    Map<String, String> settings = new HashMap<>(StoreFaultIT.FAST_BUCKETS);
    settings.put("TU_BUFFER_ACK_REPLICAS", Integer.toString(ackReplicas));
    settings.put("TU_BUFFER_ACK_TIMEOUT_MILLIS", "1000");
    try (RedisSentinelServer redis = RedisSentinelServer.start(3, 1000, 3000);
        Service service = Service.start(redis.url(), mysql.url(), settings)) {
      Uploaders load = new Uploaders(service, 16, prefix);
      Set<String> acked;
      long killedAt;
      long promotedAfter;
      long rejoinedAfter;
      long recovery;
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.size() > 300);
        RedisServer primary = redis.master();
        int primaryPort = primary.port();
        long pid = Faults.redisPid(primary);
        NodeProcess.signal(pid, "KILL");
        killedAt = System.nanoTime();
        load.watchRecoveryFrom(killedAt);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(() -> redis.masterPort() != primaryPort);
        promotedAfter = (System.nanoTime() - killedAt) / 1_000_000;
        // The operator (or systemd) restarts the killed node only now: an empty node restarted
        // before the failover would be a master the replica copies (and empties itself from).
        primary.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () ->
                    "slave".equals(((List<?>) primary.command("ROLE")).get(0))
                        && String.valueOf(redis.master().command("INFO", "replication"))
                            .contains("state=online"));
        rejoinedAfter = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(Duration.ofSeconds(60)).until(() -> load.recoveryMillis() >= 0);
        recovery = load.recoveryMillis();
        Thread.sleep(1000); // a second of normal service after the recovery
      } finally {
        load.close();
      }
      acked = Set.copyOf(load.acknowledged);
      // The next flushes publish every closed bucket: wait until none is left in Redis.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () ->
                  ((List<?>) redis.master().command("KEYS", PREFIX + ":buffer:*")).isEmpty()
                      && !Faults.tickersLike(mysql, prefix).isEmpty());
      Set<String> inMysql = Faults.tickersLike(mysql, prefix);
      Set<String> lost = new HashSet<>(acked);
      lost.removeAll(inMysql);
      figure(
          "redis sentinel failover (primary SIGKILL, 1 replica, 3 sentinels), 16 uploaders,"
              + " TU_BUFFER_ACK_REPLICAS="
              + ackReplicas,
          "acknowledged "
              + acked.size()
              + ", in MySQL "
              + inMysql.stream().filter(acked::contains).count()
              + ", lost "
              + lost.size()
              + ", 503s seen "
              + load.count(503)
              + " "
              + load.byStatus
              + " (transport errors "
              + load.transportErrors
              + "), replica promoted "
              + promotedAfter
              + " ms after the kill, killed node back as replica "
              + rejoinedAfter
              + " ms, 202 again "
              + recovery
              + " ms after the kill, slowest call "
              + load.slowestMillis
              + " ms");
      return new Drill(load, acked, lost);
    }
  }
}
