package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisSentinelServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The service behind Redis Sentinel ({@code redis-sentinel://host:port/mymaster}): a master, a
 * replica and a sentinel started by the test support; a {@code SENTINEL FAILOVER} between buffering
 * and flushing changes nothing for the caller.
 */
@RealServers
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterRedisSentinelIT {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  static RedisSentinelServer sentinel;
  static MariaDbServer mysql;
  static MutableClock clock = new MutableClock(T0);
  static ServiceHarness node;
  static UniverseClient client;

  @BeforeAll
  static void start(MariaDbServer mariadb) throws Exception {
    mysql = mariadb;
    sentinel = RedisSentinelServer.start();
    node =
        ServiceHarness.start(
            TestConfigs.forUrls(
                sentinel.url(),
                mysql.url(),
                List.of("--node.verticles=buffer,flush,evict,universe")),
            clock);
    client = node.client();
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (sentinel != null) {
        sentinel.close();
      }
    }
  }

  static List<String> tickersInTable() {
    return mysql.query("SELECT yahoo_ticker FROM " + TABLE + " ORDER BY yahoo_ticker").stream()
        .map(r -> r.get(0))
        .toList();
  }

  @Test
  void bufferFailoverFlushAndEvict() throws Exception {
    String key = "ticker_universe:buffer:" + Math.floorDiv(T0.getEpochSecond(), 300) * 300;
    int firstMaster = sentinel.masterPort();
    assertThat(client.buffer(List.of("AAPL", "msft")).await(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(sentinel.master().command("SCARD", key)).isEqualTo(2L);

    // Redis replicates asynchronously: a write the replica has not yet received is lost by any
    // failover. Wait for it, as a careful operator would before a planned failover.
    sentinel.awaitReplicated();
    sentinel.failover();
    assertThat(sentinel.masterPort()).isNotEqualTo(firstMaster);

    // The client follows the sentinel to the promoted master: writes go on without a restart.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(client.buffer(List.of("VOD.L")).await(10, TimeUnit.SECONDS))
                    .isEqualTo(1));
    assertThat(sentinel.master().command("SCARD", key)).isEqualTo(3L);

    clock.advance(Duration.ofMinutes(5));
    FlushCounts counts = client.flush().await(30, TimeUnit.SECONDS);
    assertThat(counts.buckets()).isEqualTo(1);
    assertThat(counts.inserted()).isEqualTo(3);
    assertThat(tickersInTable()).containsExactly("AAPL", "MSFT", "VOD.L");
    assertThat(sentinel.master().command("EXISTS", key)).isEqualTo(0L);

    mysql.execute(
        "UPDATE " + TABLE + " SET last_referenced_at = '2026-01-01' WHERE yahoo_ticker = 'MSFT'");
    assertThat(client.evict().await(30, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat(tickersInTable()).containsExactly("AAPL", "VOD.L");
  }
}
