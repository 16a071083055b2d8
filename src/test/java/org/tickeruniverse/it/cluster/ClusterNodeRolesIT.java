package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * A node runs only the verticles {@code TU_NODE_VERTICLES} names, and needs only the stores those
 * use: each node here is pointed at a store address where nothing listens for the store it must not
 * need, and still starts and serves its part.
 */
@RealServers
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterNodeRolesIT {

  static final int NOTHING = TestConfigs.freePort();
  static final String NO_REDIS = "redis://127.0.0.1:" + NOTHING;
  static final String NO_MYSQL = "mysql://root@127.0.0.1:" + NOTHING + "/ticker_universe";

  @Test
  void aBufferOnlyNodeNeedsNoMysql(RedisServer redis) throws Exception {
    redis.flushAll();
    try (ServiceHarness node =
        ServiceHarness.start(
            TestConfigs.forUrls(redis.url(), NO_MYSQL, List.of("--node.verticles=buffer")),
            Clock.systemUTC())) {
      assertThat(node.client().buffer(List.of("ROLE.B")).await(30, TimeUnit.SECONDS)).isEqualTo(1);
      long start = Math.floorDiv(Instant.now().getEpochSecond(), 300) * 300;
      List<?> keys = (List<?>) redis.command("KEYS", "ticker_universe:buffer:*");
      assertThat(keys)
          .hasSize(1)
          .allSatisfy(
              k ->
                  assertThat((String) k)
                      .matches("ticker_universe:buffer:(" + start + "|" + (start - 300) + ")"));
    }
  }

  @Test
  void anEvictAndUniverseNodeNeedsNoRedis(MariaDbServer mysql) throws Exception {
    try (ServiceHarness node =
        ServiceHarness.start(
            TestConfigs.forUrls(NO_REDIS, mysql.url(), List.of("--node.verticles=universe,evict")),
            Clock.systemUTC())) {
      mysql.execute("DELETE FROM ticker_universe.ticker_universe");
      mysql.execute(
          "INSERT INTO ticker_universe.ticker_universe (yahoo_ticker, first_seen_at, last_referenced_at)"
              + " VALUES ('OLD', '2020-01-01', '2020-01-01')");
      assertThat(node.client().evict().await(30, TimeUnit.SECONDS)).isEqualTo(1L);
      assertThat(node.client().upsert(List.of("NEW")).await(30, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(mysql.query("SELECT yahoo_ticker FROM ticker_universe.ticker_universe"))
          .containsExactly(List.of("NEW"));
    }
  }

  @Test
  void anHttpOnlyNodeStartsWithoutEitherStore() throws Exception {
    try (ServiceHarness node =
        ServiceHarness.start(
            TestConfigs.forUrls(
                NO_REDIS,
                NO_MYSQL,
                List.of(
                    "--node.verticles=http",
                    "--http.port=" + TestConfigs.freePort(),
                    "--http.busTimeoutMillis=500")),
            Clock.systemUTC())) {
      assertThat(node.http("GET", "/health/live", null).statusCode()).isEqualTo(200);
      // Nobody serves the bus addresses: the edge says so with 503, it does not hang or crash.
      HttpResponse<byte[]> buffer =
          node.http("POST", "/api/v1/tickers/buffer", "{\"tickers\":[\"AAPL\"]}");
      assertThat(buffer.statusCode()).isEqualTo(503);
      assertThat(new String(buffer.body(), StandardCharsets.UTF_8)).contains("\"code\"");
    }
  }
}
