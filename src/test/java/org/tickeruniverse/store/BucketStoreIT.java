package org.tickeruniverse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisClusterServer;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * {@link BucketStore#remove}'s script on a real Redis (through the service's {@link TimedRedis}
 * client) and on a Redis Cluster: the removal of a bucket's last members deletes its contributors
 * HLL in the same step; a removal that leaves members keeps it (docs/DESIGN.md#ports-and-fakes).
 */
@RealServers
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BucketStoreIT {

  static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
  static final long START = NOW.minusSeconds(600).getEpochSecond() / 300 * 300;

  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Buckets buckets(String prefix) {
    return new Buckets(prefix, 300, 5, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** What the buffer script leaves: the set and its HLL. */
  static void write(RedisServer redis, Buckets buckets, String contributor, List<String> members) {
    List<String> sadd = new ArrayList<>(List.of("SADD", buckets.key(START)));
    sadd.addAll(members);
    redis.command(sadd.toArray(String[]::new));
    redis.command("PFADD", buckets.contributorsKey(START), contributor);
  }

  static Object exists(RedisServer redis, String key) {
    return redis.command("EXISTS", key);
  }

  @Test
  void theLastMembersGoWithTheRecordAndEarlierRemovalsKeepIt(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    redis.flushAll();
    Buckets buckets = buckets("ticker_universe");
    // More members than the script removes per SREM (1000), in one call.
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      many.add("M" + i);
    }
    write(redis, buckets, "alice", many);
    write(redis, buckets, "bob", List.of("AAPL", "MSFT"));
    ServiceConfig config = TestConfigs.forServers(redis, mysql);
    BucketStore store = new BucketStore(Stores.redis(vertx, config.redis()), buckets);

    // Members remain: the record stays, to count them when they are published.
    assertThat(store.remove(START, many).await(30, TimeUnit.SECONDS)).isEqualTo(2500L);
    assertThat(redis.command("SCARD", buckets.key(START))).isEqualTo(2L);
    assertThat(exists(redis, buckets.contributorsKey(START))).isEqualTo(1L);
    // One already gone, one not a member: only the real removal counts.
    assertThat(store.remove(START, List.of("M0", "AAPL")).await(30, TimeUnit.SECONDS))
        .isEqualTo(1L);
    assertThat(exists(redis, buckets.contributorsKey(START))).isEqualTo(1L);

    // The last member: set and record leave together.
    assertThat(store.remove(START, List.of("MSFT")).await(30, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat(exists(redis, buckets.key(START))).isEqualTo(0L);
    assertThat(exists(redis, buckets.contributorsKey(START))).isEqualTo(0L);

    // A late write re-creates both; the record counts the late writer alone.
    write(redis, buckets, "mallory", List.of("RARE"));
    assertThat(redis.command("PFCOUNT", buckets.contributorsKey(START))).isEqualTo(1L);
  }

  @Test
  void aBucketOfAnotherWriterWithoutARecordIsDrainedToo(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    redis.flushAll();
    Buckets buckets = buckets("ticker_universe");
    redis.command("SADD", buckets.key(START), "AAPL");
    BucketStore store =
        new BucketStore(Stores.redis(vertx, TestConfigs.forServers(redis, mysql).redis()), buckets);

    assertThat(store.remove(START, List.of("AAPL")).await(30, TimeUnit.SECONDS)).isEqualTo(1L);
    assertThat((List<?>) redis.command("KEYS", "*")).isEmpty();
  }

  /** On Redis Cluster both keys are declared and share the hash-tagged prefix's slot. */
  @Test
  void onRedisClusterTheScriptRunsOnTheSlotOwner(MariaDbServer mysql) throws Exception {
    try (RedisClusterServer cluster = RedisClusterServer.start(3)) {
      Buckets buckets = buckets("{ticker_universe}");
      RedisServer owner = cluster.nodeFor(buckets.key(START));
      write(owner, buckets, "alice", List.of("AAPL", "MSFT"));
      ServiceConfig config =
          TestConfigs.forUrls(
              cluster.url(), mysql.url(), List.of("--buffer.keyPrefix={ticker_universe}"));
      BucketStore store = new BucketStore(Stores.redis(vertx, config.redis()), buckets);

      assertThat(store.remove(START, List.of("AAPL")).await(30, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(exists(owner, buckets.contributorsKey(START))).isEqualTo(1L);
      assertThat(store.remove(START, List.of("MSFT")).await(30, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(exists(owner, buckets.key(START))).isEqualTo(0L);
      assertThat(exists(owner, buckets.contributorsKey(START))).isEqualTo(0L);
    }
  }
}
