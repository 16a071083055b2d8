package org.tickeruniverse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * A store that stops answering costs a bounded wait: a SQL statement fails after
 * mysql.queryTimeoutMillis and the pool carries on; a Redis command fails after
 * redis.commandTimeoutMillis and the client works again as soon as Redis does.
 */
@RealServers
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StoreTimeoutsIT {

  @Test
  void aStatementUnansweredPastTheQueryTimeoutFailsAndThePoolStillWorks(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    ServiceConfig config =
        TestConfigs.forServers(
            redis, mysql, "--mysql.queryTimeoutMillis=1500", "--mysql.poolSize=1");
    Migrations.migrate(config.mysql()); // the database exists
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Stores.mysql(vertx, config.mysql());
      long t0 = System.nanoTime();
      UniverseRepository repository =
          new UniverseRepository(pool, config.mysql().queryTimeoutMillis());
      // A statement the server holds past the time-out, as a hung server would: SLEEP on the
      // repository's own bounded path (ping's connection handling is the same for every statement).
      Throwable failure =
          repository
              .timed(c -> c.query("SELECT SLEEP(20)").execute())
              .map(r -> (Throwable) null)
              .otherwise(e -> e)
              .await(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(failure).as("the statement failed").isNotNull();
      assertThat(took)
          .as("failed with %s", failure)
          .isBetween(Duration.ofMillis(1400), Duration.ofMillis(4000));
      // The one pooled connection was replaced: the next statement runs at once.
      long t1 = System.nanoTime();
      repository.ping().await(5, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(1));
      pool.close().await(5, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRedisCommandUnansweredPastTheCommandTimeoutFailsAndTheClientRecovers(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    ServiceConfig config = TestConfigs.forServers(redis, mysql, "--redis.commandTimeoutMillis=500");
    java.util.regex.Matcher pid =
        java.util.regex.Pattern.compile("process_id:(\\d+)")
            .matcher(String.valueOf(redis.command("INFO", "server")));
    assertThat(pid.find()).isTrue();
    Vertx vertx = Vertx.vertx();
    io.vertx.redis.client.Request ping =
        io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING);
    try {
      io.vertx.redis.client.Redis client = Stores.redis(vertx, config.redis());
      // connected and warm (the first connection's handshake may itself take longer than 500 ms
      // here)
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> "PONG".equals(client.send(ping).await(5, TimeUnit.SECONDS).toString()));
      org.tickeruniverse.testsupport.NodeProcess.signal(Long.parseLong(pid.group(1)), "STOP");
      long t0 = System.nanoTime();
      try {
        Throwable failure =
            client
                .send(ping)
                .map(r -> (Throwable) null)
                .otherwise(e -> e)
                .await(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(failure)
            .as("the command failed")
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(2000));
      } finally {
        org.tickeruniverse.testsupport.NodeProcess.signal(Long.parseLong(pid.group(1)), "CONT");
      }
      // Commands succeed again as soon as Redis answers; the wedged connection was replaced or
      // drained.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(3))
          .ignoreExceptions()
          .until(() -> "PONG".equals(client.send(ping).await(5, TimeUnit.SECONDS).toString()));
      client.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
