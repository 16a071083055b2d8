package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Urls;

/**
 * Builds the clients of the two stores from configuration. Each verticle that needs a store builds
 * its own client in {@code start()} and closes it in {@code stop()}, so a verticle is deployable on
 * any node on its own.
 */
public final class Stores {

  /**
   * The MySQL pool is shared by name: every verticle of a Vert.x instance that asks for it gets the
   * same connections, and the pool closes when the last of them is undeployed.
   */
  static final String SHARED_POOL_NAME = "ticker-universe-mysql";

  private Stores() {}

  /** The command's own time-out fires first, with its clearer error. */
  static final int REDIS_IDLE_SLACK_MILLIS = 1_000;

  /** Connecting to a store that does not answer fails after this, not after the OS's minutes. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  public static Pool mysql(Vertx vertx, ServiceConfig.Mysql config) {
    PoolOptions pool =
        new PoolOptions()
            .setMaxSize(config.poolSize())
            .setMaxWaitQueueSize(config.maxWaitQueue())
            .setConnectionTimeout(5)
            .setShared(true)
            .setName(SHARED_POOL_NAME);
    // No transport options (TCP keep-alive, read idle time-out) here: the MySQL driver of Vert.x
    // 5.0.7 builds its connection factory without the builder's NetClientOptions. Statements are
    // bounded in UniverseRepository instead, which closes a hung statement's socket (closeHung).
    return MySQLBuilder.pool()
        .with(pool)
        .connectingTo(mysqlConnectOptions(config))
        .using(vertx)
        .build();
  }

  /**
   * Closes the socket of a pooled connection whose statement timed out, so the pool replaces it
   * instead of handing the wedged connection to the next statement; the caller must not give the
   * handle back. Closing the pooled handle would only return it to the pool, and the driver's own
   * close first talks to the server; the socket is reached through the client's internal classes
   * (vertx-sql-client 5.0.7), with the plain close as the fall-back should they change
   * (StoreTimeoutsIT would then fail).
   */
  public static Future<Void> closeHung(SqlConnection conn) {
    try {
      if (conn instanceof SqlConnectionInternal internal) {
        Connection pooled = internal.unwrap();
        Connection socket = pooled.unwrap();
        if (socket instanceof SocketConnectionBase base) {
          // Done when the handle hears of the close (the pool has dropped the connection by then).
          Promise<Void> closed = Promise.promise();
          conn.closeHandler(v -> closed.tryComplete());
          base.socket().close();
          return closed.future().timeout(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
      }
    } catch (RuntimeException unexpected) {
      // fall through
    }
    return conn.close(); // the fall-back: at least the statement's caller is not kept waiting
  }

  public static MySQLConnectOptions mysqlConnectOptions(ServiceConfig.Mysql config) {
    MySQLConnectOptions options =
        MySQLConnectOptions.fromUri(config.url())
            .setCachePreparedStatements(true)
            // Few entries per connection: a flush uses two full-chunk shapes, which stay hot, while
            // every other row count (a bucket's last chunk, a refresh) is a shape of its own that
            // holds thousands of parameter descriptions once prepared; a long cache of one-off
            // shapes filled the heap (docs/PERFORMANCE.md#few-prepared-statements-per-connection).
            .setPreparedStatementCacheMaxSize(8)
            // The default caches only statements under 2 KiB, which a chunk's upsert exceeds: it
            // would be re-prepared on almost every chunk
            // (docs/PERFORMANCE.md#prepared-statement-cache-large-enough-for-a-chunk).
            .setPreparedStatementCacheSqlLimit(64 * 1024)
            .setCharset("utf8mb4")
            // Row counts are found (matched) rows, the default, stated because the flush's counts
            // depend on it (UniverseRepository#insertOrBump).
            .setUseAffectedRows(false)
            .setPipeliningLimit(4);
    if (!config.password().isEmpty()) {
      options.setPassword(config.password());
    }
    return options;
  }

  /** Every command fails after {@code redis.commandTimeoutMillis} ({@link TimedRedis}). */
  public static Redis redis(Vertx vertx, ServiceConfig.Redis config) {
    return new TimedRedis(
        Redis.createClient(vertx, redisOptions(config)), config.commandTimeoutMillis());
  }

  /** The three URL forms of {@link Urls} mapped to the client's topologies. */
  public static RedisOptions redisOptions(ServiceConfig.Redis config) {
    String url = config.url();
    RedisOptions options =
        new RedisOptions()
            .setMaxPoolSize(config.maxPoolSize())
            .setMaxPoolWaiting(config.maxPoolWaiting())
            .setMaxWaitingHandlers(config.maxPoolWaiting() * 4);
    NetClientOptions net =
        new NetClientOptions().setTcpKeepAlive(true).setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    options.setNetClientOptions(net);
    String scheme = Urls.scheme(url);
    Optional<String> userInfo = Urls.userInfo(url);
    switch (scheme) {
      case "redis-sentinel" -> {
        // autoFailover: the client follows the sentinels' +switch-master and reconnects to the
        // promoted master, instead of writing to a demoted one (READONLY) until restarted.
        options
            .setType(RedisClientType.SENTINEL)
            .setMasterName(Urls.sentinelMaster(url).orElseThrow())
            .setRole(RedisRole.MASTER)
            .setAutoFailover(true);
        Urls.redisEndpoints(url).forEach(hp -> options.addConnectionString("redis://" + hp));
        userInfo.ifPresent(ui -> applyCredentials(options, ui));
      }
      case "redis-cluster" -> {
        options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
        Urls.redisEndpoints(url)
            .forEach(
                hp ->
                    options.addConnectionString(
                        "redis://" + userInfo.map(ui -> ui + "@").orElse("") + hp));
      }
      default -> {
        options.setType(RedisClientType.STANDALONE).setConnectionString(url);
        // A connection that receives nothing for a little longer than a command may take is
        // closed: the commands queued on it fail and the pool connects afresh, so a hung or
        // blackholed server does not keep a connection wedged once it is back. Only for a single
        // server: Sentinel and Cluster clients keep long-idle connections (subscriptions, slot
        // maps) that must not be cut for silence. See docs/DESIGN.md#faults.
        net.setReadIdleTimeout(config.commandTimeoutMillis() + REDIS_IDLE_SLACK_MILLIS)
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
      }
    }
    return options;
  }

  private static void applyCredentials(RedisOptions options, String userInfo) {
    int colon = userInfo.indexOf(':');
    if (colon < 0) {
      options.setPassword(userInfo);
      return;
    }
    if (colon > 0) {
      options.setUser(userInfo.substring(0, colon));
    }
    options.setPassword(userInfo.substring(colon + 1));
  }
}
