package org.tickeruniverse.flush;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.cluster.LeasedJob;
import org.tickeruniverse.cluster.RedisLease;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Moves closed buckets into MySQL: on a timer re-armed to every bucket boundary + grace (wall
 * clock, so every node fires at the same moments), once at start-up to catch up, and on request
 * at {@link Addresses#FLUSH}. Publishes {@link Addresses#EVENT_FLUSHED} with counts after every
 * run that flushed a bucket.
 */
public final class FlushVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FlushVerticle.class);

  /** A fixed test clock can sit just before a boundary forever; never spin faster than this. */
  private static final long MIN_TIMER_MILLIS = 1000;
  /** Added to the remaining lease before a refused node tries again (clock and network slack). */
  static final long LEASE_RETRY_SLACK_MILLIS = 100;

  private final Clock clock;
  private Redis redis;
  private Pool pool;
  private Buckets buckets;
  private LeasedJob<FlushCounts> job;
  private RedisLease lease;
  private MessageConsumer<Object> consumer;
  private long timerId = -1;
  private boolean retryPending;
  private long retryTimer = -1;
  private boolean stopping;

  public FlushVerticle() {
    this(Clock.systemUTC());
  }

  public FlushVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    ServiceConfig config = ServiceConfig.fromJson(config());
    redis = Stores.redis(vertx, config.redis());
    pool = Stores.mysql(vertx, config.mysql());
    buckets = new Buckets(config.buffer().keyPrefix(), config.buffer().bucketSeconds(),
        config.flush().graceSeconds(), clock);
    lease = new RedisLease(redis, config.buffer().keyPrefix() + ":lease:flush",
        config.flush().leaseSeconds() * 1000L);
    FlushJob flush = new FlushJob(new BucketStore(redis, buckets), new UniverseRepository(pool), buckets,
        config.flush().chunkSize(), lease::renew);
    job = new LeasedJob<>(lease, flush::run);
    consumer = vertx.eventBus().consumer(Addresses.FLUSH, msg ->
        Replies.reply(msg, runOnce("request").map(FlushCounts::toJson), LOG));
    return consumer.completion().onSuccess(v -> {
      arm();
      runOnce("start-up");
    });
  }

  private void arm() {
    if (stopping) {
      return;
    }
    long delay = Math.max(MIN_TIMER_MILLIS, buckets.millisUntilNextFlush());
    timerId = vertx.setTimer(delay, id -> {
      runOnce("timer");
      arm();
    });
  }

  /**
   * One run; its counts, or zeros when another node holds the lease and flushes instead. A call
   * while a run is under way joins it and gets its counts; only the call that started a run
   * reports it (log, metrics, {@link Addresses#EVENT_FLUSHED}), so each run is published once
   * however many requests and timers joined it.
   */
  Future<FlushCounts> runOnce(String trigger) {
    if (job.running()) {
      return job.run().map(result -> result.orElse(FlushCounts.NONE));
    }
    long started = System.nanoTime();
    return job.run()
        .onSuccess(result -> {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          result.ifPresentOrElse(counts -> {
            ServiceMetrics.get().flushRun("ok", counts.buckets(), counts.read(), counts.inserted(),
                counts.bumped(), took);
            if (counts.buckets() > 0) {
              LOG.info("flush ({}): {} bucket(s), {} read, {} inserted, {} bumped, {} rejected in {} ms",
                  trigger, counts.buckets(), counts.read(), counts.inserted(), counts.bumped(),
                  counts.rejected(), counts.durationMillis());
              vertx.eventBus().publish(Addresses.EVENT_FLUSHED, counts.toJson());
            }
          }, () -> {
            ServiceMetrics.get().flushRun("skipped", 0, 0, 0, 0, took);
            retryWhenTheLeaseExpires();
          });
        })
        .onFailure(e -> {
          ServiceMetrics.get().flushRun("failed", 0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - started));
          LOG.warn("flush ({}) failed, the next run resumes it: {}", trigger, Replies.describe(e));
        })
        .map(result -> result.orElse(FlushCounts.NONE));
  }

  /**
   * Refused because another node holds the lease: try again when that lease would expire. If the
   * holder finished meanwhile, the retry finds nothing to flush; if it died in the middle of a
   * run, the retry completes its work. So a dead holder delays a flush by at most one lease, not
   * until the next bucket boundary. One retry is pending at a time.
   */
  private void retryWhenTheLeaseExpires() {
    if (stopping || retryPending) {
      return;
    }
    retryPending = true;
    lease.millisLeft().onComplete(ar -> {
      if (stopping) {
        return;
      }
      long left = ar.succeeded() ? ar.result() : lease.ttlMillis();
      retryTimer = vertx.setTimer(left + LEASE_RETRY_SLACK_MILLIS, id -> {
        retryPending = false;
        runOnce("lease-retry");
      });
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    vertx.cancelTimer(retryTimer);
    return consumer.unregister()
        .eventually(() -> redis.close())
        .eventually(() -> pool.close());
  }
}
