package org.tickeruniverse.flush;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * A bucket of many thousand pages is flushed to the end: the run's futures must not nest one level
 * per page (they did, and the completion of the last page overflowed the event loop's stack).
 */
@RealServers
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FlushJobLargeBucketIT {

  static final int TICKERS = 12_000;

  @Test
  void aBucketOfTwelveThousandPagesIsFlushedCompletely(RedisServer redisServer, MariaDbServer mysql)
      throws Exception {
    ServiceConfig config = TestConfigs.forServers(redisServer, mysql, "--node.verticles=flush");
    Migrations.migrate(config.mysql());
    mysql.execute("DELETE FROM ticker_universe.ticker_universe");
    redisServer.flushAll();
    Instant now = Instant.parse("2026-11-24T10:01:00Z");
    String key = "ticker_universe:buffer:" + now.minusSeconds(600).getEpochSecond() / 300 * 300;
    for (int from = 0; from < TICKERS; from += 1000) {
      List<String> sadd = new ArrayList<>(List.of("SADD", key));
      for (int i = from; i < from + 1000; i++) {
        sadd.add("D" + i);
      }
      redisServer.command(sadd.toArray(String[]::new));
    }
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Stores.redis(vertx, config.redis());
      Pool pool = Stores.mysql(vertx, config.mysql());
      Buckets buckets = new Buckets("ticker_universe", 300, 5, Clock.fixed(now, ZoneOffset.UTC));
      // One member per page: as many pages as tickers.
      FlushJob job =
          new FlushJob(
              new BucketStore(redis, buckets),
              new UniverseRepository(pool),
              buckets,
              1,
              new PublicationRule(1, 1, 86_400, 300),
              7200,
              ServiceMetrics.detached(),
              Future::succeededFuture);
      FlushCounts counts =
          vertx
              .getOrCreateContext()
              .<FlushCounts>executeBlocking(() -> null)
              .compose(v -> job.run())
              .await(100, TimeUnit.SECONDS);
      assertThat(counts.buckets()).isEqualTo(1);
      assertThat(counts.inserted()).isEqualTo(TICKERS);
      // SSCAN returns members again while the set shrinks under the SREMs; none is written twice.
      assertThat(counts.bumped()).as("members written twice: %s", counts).isZero();
      assertThat(mysql.query("SELECT COUNT(*) FROM ticker_universe.ticker_universe").get(0).get(0))
          .isEqualTo(String.valueOf(TICKERS));
      assertThat(redisServer.command("EXISTS", key)).isEqualTo(0L);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
