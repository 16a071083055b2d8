package org.tickeruniverse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.SharedVertx;

/**
 * The two leases against real servers: one holder at a time, only the holder renews or releases,
 * expiry.
 */
@RealServers
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LeaseIT {

  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();
  static final Vertx vertx = VERTX.vertx();

  static <T> T on(Supplier<Future<T>> call) throws Exception {
    // Leases live on one event loop, like their verticles: call them there.
    return VERTX.on(call).await();
  }

  @Test
  void redisLeaseOneHolderRenewReleaseAndExpiry(RedisServer server) throws Exception {
    Redis redis = Redis.createClient(vertx, server.url());
    // b talks through a client of its own, so that closing it is b's node dying.
    Redis redisOfB = Redis.createClient(vertx, server.url());
    RedisLease a = new RedisLease(vertx, redis, "test:lease:" + System.nanoTime(), 1500);
    RedisLease b = new RedisLease(vertx, redisOfB, a.key(), 1500);
    assertThat(on(a::acquire)).isTrue();
    assertThat(on(a::acquire)).as("re-entrant for its holder").isTrue();
    assertThat(on(b::acquire)).isFalse();
    assertThat(on(b::renew)).as("cannot renew what it does not hold").isFalse();
    on(b::release);
    assertThat(server.command("GET", a.key()))
        .as("never releases another holder's lease")
        .isNotNull();
    assertThat(on(a::millisLeft)).isBetween(1L, 1500L);
    // While held, the keep-alive renews it every third of the TTL: it outlives its TTL twice over.
    await()
        .during(Duration.ofMillis(3200))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> server.command("GET", a.key()) != null);
    on(a::release);
    assertThat(on(a::millisLeft)).isZero();
    assertThat(on(b::acquire)).isTrue();
    // b's node dies (its client closes, its keep-alive fails): its lease expires within one TTL.
    long died = System.nanoTime();
    redisOfB.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> on(a::acquire));
    assertThat(Duration.ofNanos(System.nanoTime() - died))
        .isLessThanOrEqualTo(Duration.ofMillis(1500 + 500));
    assertThat(on(a::renew)).isTrue();
    on(a::release);
    assertThat(on(a::millisLeft)).isZero();
    redis.close();
  }

  @Test
  void mysqlLeaseOneHolderReleaseAndTheLockDiesWithItsConnection(MariaDbServer mysql)
      throws Exception {
    MySQLConnectOptions options = MySQLConnectOptions.fromUri(mysql.url()).setDatabase("");
    Supplier<Future<SqlConnection>> connect =
        () -> MySQLConnection.connect(vertx, options).map(c -> (SqlConnection) c);
    String name = "tu.test." + System.nanoTime();
    MysqlLease a = new MysqlLease(vertx, connect, name, 3);
    MysqlLease b = new MysqlLease(vertx, connect, name, 3);
    assertThat(on(a::acquire)).isTrue();
    assertThat(on(a::renew)).isTrue();
    assertThat(on(b::acquire)).isFalse();
    assertThat(on(b::renew)).isFalse();
    on(b::release);
    assertThat(on(b::acquire)).as("b's release did not free a's lock").isFalse();
    on(a::release);
    assertThat(on(b::acquire)).isTrue();
    // The holder's connection ends (its process died): the server frees the lock at once.
    String holderId = mysql.query("SELECT IS_USED_LOCK('" + name + "')").get(0).get(0);
    mysql.execute("KILL CONNECTION " + holderId);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> on(a::acquire));
    assertThat(on(b::renew)).isFalse();
    on(a::release);
    assertThat(mysql.query("SELECT IS_FREE_LOCK('" + name + "')").get(0).get(0)).isEqualTo("1");
  }
}
