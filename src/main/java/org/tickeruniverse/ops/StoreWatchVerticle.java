package org.tickeruniverse.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.role.StoreNeeds;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Keeps the gauge {@code tu_store_up{store="redis"|"mysql"}} (1 answers, 0 does not) current on a
 * node whose verticles use that store: every {@link #PERIOD_MILLIS} it pings each store once, each
 * ping bounded by {@link #TIMEOUT_MILLIS}. Independent of readiness probes, so the gauge moves
 * whether or not anybody probes (a worker without HTTP, say); the alert rules read it
 * (docs/DESIGN.md#operations).
 *
 * <p>{@code start()} does not wait for the first answer: a store that is down at start-up is what
 * the gauge is for, not a reason to refuse to start.
 */
public final class StoreWatchVerticle extends VerticleBase {

  private final ServiceMetrics metrics;

  static final long PERIOD_MILLIS = 5_000;
  static final long TIMEOUT_MILLIS = 2_000;

  private Redis redis;
  private Pool pool;
  private UniverseRepository repository;
  private long timer = -1;
  private boolean redisChecking;
  private boolean mysqlChecking;

  private final ServiceConfig config;

  public StoreWatchVerticle(ServiceConfig config, ServiceMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /** Whether a node with this configuration uses a store at all (and so runs this watch). */
  public static boolean watches(ServiceConfig config) {
    return StoreNeeds.of(config.node().verticles()).any();
  }

  @Override
  public Future<?> start() {
    StoreNeeds needs = StoreNeeds.of(config.node().verticles());
    if (needs.redis()) {
      redis = Stores.redis(vertx, config.redis());
    }
    if (needs.mysql()) {
      pool = Stores.mysql(vertx, config.mysql());
      repository = new UniverseRepository(pool);
    }
    check();
    timer = vertx.setPeriodic(PERIOD_MILLIS, id -> check());
    return Future.succeededFuture();
  }

  private void check() {
    // One ping per store at a time: a store slower than the period is not pinged twice over.
    if (redis != null && !redisChecking) {
      redisChecking = true;
      Readiness.probe(() -> Readiness.ping(redis), TIMEOUT_MILLIS)
          .onComplete(
              ar -> {
                redisChecking = false;
                metrics.storeUp(Readiness.REDIS, ar.succeeded());
              });
    }
    if (repository != null && !mysqlChecking) {
      mysqlChecking = true;
      Readiness.probe(repository::ping, TIMEOUT_MILLIS)
          .onComplete(
              ar -> {
                mysqlChecking = false;
                metrics.storeUp(Readiness.MYSQL, ar.succeeded());
              });
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return (redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
