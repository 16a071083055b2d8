package org.tickeruniverse.store;

import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Optional;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Urls;

/**
 * Builds the clients of the two stores from configuration. Each verticle that needs a store
 * builds its own client in {@code start()} and closes it in {@code stop()}, so a verticle is
 * deployable on any node on its own.
 */
public final class Stores {

  /**
   * The MySQL pool is shared by name: every verticle of a Vert.x instance that asks for it gets
   * the same connections, and the pool closes when the last of them is undeployed.
   */
  static final String SHARED_POOL_NAME = "ticker-universe-mysql";

  private Stores() {
  }

  public static Pool mysql(Vertx vertx, ServiceConfig.Mysql config) {
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setMaxWaitQueueSize(config.maxWaitQueue())
        .setConnectionTimeout(5)
        .setShared(true)
        .setName(SHARED_POOL_NAME);
    return MySQLBuilder.pool().with(pool).connectingTo(mysqlConnectOptions(config)).using(vertx).build();
  }

  public static MySQLConnectOptions mysqlConnectOptions(ServiceConfig.Mysql config) {
    MySQLConnectOptions options = MySQLConnectOptions.fromUri(config.url())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(64)
        // The default caches only statements under 2 KiB; a 1,000-row upsert is ~11 KiB and would
        // be re-prepared on almost every chunk (docs/PERFORMANCE.md#prepared-statement-cache-large-enough-for-a-chunk).
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

  public static Redis redis(Vertx vertx, ServiceConfig.Redis config) {
    return Redis.createClient(vertx, redisOptions(config));
  }

  /** The three URL forms of {@link Urls} mapped to the client's topologies. */
  public static RedisOptions redisOptions(ServiceConfig.Redis config) {
    String url = config.url();
    RedisOptions options = new RedisOptions()
        .setMaxPoolSize(config.maxPoolSize())
        .setMaxPoolWaiting(config.maxPoolWaiting())
        .setMaxWaitingHandlers(config.maxPoolWaiting() * 4);
    String scheme = Urls.scheme(url);
    Optional<String> userInfo = Urls.userInfo(url);
    switch (scheme) {
      case "redis-sentinel" -> {
        // autoFailover: the client follows the sentinels' +switch-master and reconnects to the
        // promoted master, instead of writing to a demoted one (READONLY) until restarted.
        options.setType(RedisClientType.SENTINEL)
            .setMasterName(Urls.sentinelMaster(url).orElseThrow())
            .setRole(RedisRole.MASTER)
            .setAutoFailover(true);
        Urls.redisEndpoints(url).forEach(hp -> options.addConnectionString("redis://" + hp));
        userInfo.ifPresent(ui -> applyCredentials(options, ui));
      }
      case "redis-cluster" -> {
        options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
        Urls.redisEndpoints(url).forEach(hp ->
            options.addConnectionString("redis://" + userInfo.map(ui -> ui + "@").orElse("") + hp));
      }
      default -> options.setType(RedisClientType.STANDALONE).setConnectionString(url);
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
