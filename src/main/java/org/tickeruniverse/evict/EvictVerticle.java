package org.tickeruniverse.evict;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.cluster.LeasedJob;
import org.tickeruniverse.cluster.RedisLease;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Evicts stale rows daily at the configured UTC time and on request at {@link Addresses#EVICT};
 * publishes {@link Addresses#EVENT_EVICTED} with the count after every run that deleted rows.
 */
public final class EvictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EvictVerticle.class);

  private final Clock clock;
  private Redis redis;
  private Pool pool;
  private LeasedJob<Long> job;
  private DailySchedule schedule;
  private MessageConsumer<Object> consumer;
  private long timerId = -1;
  private boolean stopping;

  public EvictVerticle() {
    this(Clock.systemUTC());
  }

  public EvictVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    ServiceConfig config = ServiceConfig.fromJson(config());
    redis = Stores.redis(vertx, config.redis());
    pool = Stores.mysql(vertx, config.mysql());
    EvictJob evict = new EvictJob(vertx, new UniverseRepository(pool), clock,
        Duration.ofDays(config.evict().ttlDays()), config.evict().batchSize(), config.evict().pauseMillis());
    // The lease outlives any plausible eviction; renewal is not needed for a daily job.
    job = new LeasedJob<>(new RedisLease(redis, config.buffer().keyPrefix() + ":lease:evict",
        Duration.ofMinutes(30).toMillis()), evict::run);
    schedule = new DailySchedule(config.evict().dailyAtUtc());
    consumer = vertx.eventBus().consumer(Addresses.EVICT, msg ->
        Replies.reply(msg, runOnce("request").map(n -> Messages.count(Messages.DELETED, n)), LOG));
    return consumer.completion().onSuccess(v -> arm());
  }

  private void arm() {
    if (stopping) {
      return;
    }
    timerId = vertx.setTimer(Math.max(1000, schedule.millisUntilNext(clock)), id -> {
      runOnce("daily");
      arm();
    });
  }

  Future<Long> runOnce(String trigger) {
    long started = System.nanoTime();
    return job.run()
        .onSuccess(result -> result.ifPresent(deleted -> {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          ServiceMetrics.get().evicted(deleted, took, "ok");
          LOG.info("evict ({}): {} row(s) deleted in {} ms", trigger, deleted, took.toMillis());
          if (deleted > 0) {
            vertx.eventBus().publish(Addresses.EVENT_EVICTED, Messages.count(Messages.DELETED, deleted)
                .put(Messages.DURATION_MILLIS, took.toMillis()));
          }
        }))
        .onFailure(e -> {
          ServiceMetrics.get().evicted(0, Duration.ofNanos(System.nanoTime() - started), "failed");
          LOG.warn("evict ({}) failed: {}", trigger, Replies.describe(e));
        })
        .map(result -> result.orElse(0L));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    return consumer.unregister()
        .eventually(() -> redis.close())
        .eventually(() -> pool.close());
  }
}
