package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisClusterServer;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The service on a local Redis Cluster of three masters ({@code redis-cluster://} URL, prefix
 * {@code {ticker_universe}}): buffer, flush and evict behave as on one server, every key lives in
 * one slot, and bucket discovery finds every bucket although a plain SCAN would reach one node.
 */
@RealServers
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterRedisClusterIT {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final String PREFIX = "{ticker_universe}";

  /** Inside the bucket [10:00, 10:05). */
  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  static RedisClusterServer redisCluster;
  static MariaDbServer mysql;
  static MutableClock clock = new MutableClock(T0);
  static ServiceHarness node;
  static UniverseClient client;

  @BeforeAll
  static void start(MariaDbServer mariadb) throws Exception {
    mysql = mariadb;
    redisCluster = RedisClusterServer.start(3);
    node =
        ServiceHarness.start(
            TestConfigs.forUrls(
                redisCluster.url(),
                mysql.url(),
                List.of(
                    "--node.verticles=buffer,flush,evict,universe",
                    "--buffer.keyPrefix=" + PREFIX,
                    "--flush.chunkSize=50")),
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
      if (redisCluster != null) {
        redisCluster.close();
      }
    }
  }

  @BeforeEach
  void empty() {
    redisCluster.flushAll();
    mysql.execute("DELETE FROM " + TABLE);
    clock.set(T0);
  }

  static String bucketKey(Instant at) {
    return PREFIX + ":buffer:" + Math.floorDiv(at.getEpochSecond(), 300) * 300;
  }

  static List<String> tickersInTable() {
    return mysql.query("SELECT yahoo_ticker FROM " + TABLE + " ORDER BY yahoo_ticker").stream()
        .map(r -> r.get(0))
        .toList();
  }

  @Test
  void bufferFlushAndEvictPassUnchanged() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      many.add("C" + i);
    }
    assertThat(client.buffer(many).await(30, TimeUnit.SECONDS)).isEqualTo(400);
    assertThat(client.buffer(List.of("aapl", "VOD.L")).await(30, TimeUnit.SECONDS)).isEqualTo(2);

    RedisServer owner = redisCluster.nodeFor(bucketKey(T0));
    assertThat(owner.command("SCARD", bucketKey(T0))).isEqualTo(402L);
    long ttl = (Long) owner.command("TTL", bucketKey(T0));
    assertThat(ttl).isBetween(7000L, 7200L);

    assertThat(client.flush().await(30, TimeUnit.SECONDS).buckets()).as("still open").isZero();
    clock.advance(Duration.ofMinutes(5));
    FlushCounts counts = client.flush().await(30, TimeUnit.SECONDS);
    assertThat(counts.buckets()).isEqualTo(1);
    assertThat(counts.inserted()).isEqualTo(402);
    assertThat(tickersInTable()).hasSize(402).contains("AAPL", "VOD.L", "C0", "C399");
    assertThat(owner.command("EXISTS", bucketKey(T0))).isEqualTo(0L);
    assertThat(client.list().await(30, TimeUnit.SECONDS)).hasSize(402);

    mysql.execute(
        "UPDATE " + TABLE + " SET last_referenced_at = '2026-01-01' WHERE yahoo_ticker LIKE 'C1%'");
    assertThat(client.evict().await(30, TimeUnit.SECONDS))
        .isEqualTo(111L); // C1, C10-C19, C100-C199
    assertThat(tickersInTable()).hasSize(291);
  }

  @Test
  void everyKeyTheServiceTouchesSharesOneSlot() throws Exception {
    client.buffer(List.of("AAPL")).await(30, TimeUnit.SECONDS);
    RedisServer owner = redisCluster.nodeFor(bucketKey(T0));
    long slot = (Long) owner.command("CLUSTER", "KEYSLOT", bucketKey(T0));
    for (String key :
        List.of(
            PREFIX + ":lease:flush",
            PREFIX + ":scan",
            PREFIX + ":buffer:0",
            PREFIX + ":contributors:0",
            PREFIX + ":contributors:pool:2026-11-24",
            PREFIX + ":privacy-secret")) {
      assertThat(owner.command("CLUSTER", "KEYSLOT", key)).as(key).isEqualTo(slot);
    }
    for (RedisServer n : redisCluster.nodes()) {
      // the bucket and its contributors HLL (the privacy secret the start created went with the
      // FLUSHALL before this test; the node keeps the one it read)
      assertThat((List<?>) n.command("KEYS", "*"))
          .as("keys on " + n)
          .hasSize(n.port() == owner.port() ? 2 : 0);
    }
  }

  @Test
  void thePoolIsCountedAcrossBucketsInOneSlotScript() throws Exception {
    // Three closed buckets in one run: the counting script merges their contributor HLLs, keys
    // of one slot, and every bucket's HLL goes with its set.
    for (int i = 0; i < 3; i++) {
      client.buffer(List.of("P" + i), "user-" + (i % 2)).await(30, TimeUnit.SECONDS);
      clock.advance(Duration.ofMinutes(5));
    }
    RedisServer owner = redisCluster.nodeFor(bucketKey(T0));
    assertThat(
            owner.command("PFCOUNT", PREFIX + ":contributors:" + T0.getEpochSecond() / 300 * 300))
        .isEqualTo(1L);
    FlushCounts counts = client.flush().await(30, TimeUnit.SECONDS);
    assertThat(counts.buckets()).isEqualTo(3);
    assertThat(counts.contributors()).isEqualTo(1); // k = 1: each bucket its own publication
    assertThat(tickersInTable()).containsExactly("P0", "P1", "P2");
    assertThat((List<?>) owner.command("KEYS", PREFIX + ":contributors:*")).isEmpty();
  }

  @Test
  void discoveryFindsEveryBucketWhicheverNodeTheClientWouldPickForAPlainScan() throws Exception {
    // The client sends a key-less command such as SCAN to a node of its choosing: two nodes in
    // three hold none of our keys. Several rounds, each with a bucket written as another writer
    // of the same format would, all must be found (luck alone would pass 5 rounds with (1/3)^5).
    RedisServer owner = redisCluster.nodeFor(bucketKey(T0));
    for (int round = 0; round < 5; round++) {
      Instant closed = T0.minus(Duration.ofHours(round + 1));
      owner.command("SADD", bucketKey(closed), "R" + round + "A", "R" + round + "B");
      FlushCounts counts = client.flush().await(30, TimeUnit.SECONDS);
      assertThat(counts.buckets()).as("round " + round).isEqualTo(1);
      assertThat(counts.inserted()).isEqualTo(2);
    }
    assertThat(tickersInTable()).hasSize(10);
  }
}
