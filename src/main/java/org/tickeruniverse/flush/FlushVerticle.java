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
import org.tickeruniverse.cluster.RedisLease;
import org.tickeruniverse.cluster.ScheduledJob;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.privacy.PrivacyNotes;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Moves closed buckets into MySQL: on a timer re-armed to every bucket boundary + grace (wall
 * clock, so every node fires at the same moments), once at start-up to catch up, and on request
 * at {@link Addresses#FLUSH}. Publishes {@link Addresses#EVENT_FLUSHED} with counts after every
 * run that published a bucket; closed buckets the {@link PublicationRule} holds back wait for the
 * next run.
 *
 * <p>Every node that runs it arms the timer; a Redis lease lets one of them work at a time (see
 * {@link ScheduledJob} for the retry when the holder dies). The lease lives in Redis, next to the
 * buckets and under the same key prefix, so on Redis Cluster it shares their slot.
 */
public final class FlushVerticle extends VerticleBase implements ScheduledJob.Reporter<FlushCounts> {

  private static final Logger LOG = LoggerFactory.getLogger(FlushVerticle.class);

  private final Clock clock;
  private Redis redis;
  private Pool pool;
  private ScheduledJob<FlushCounts> job;
  private MessageConsumer<Object> consumer;

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
    Buckets buckets = config.buckets(clock);
    RedisLease lease = new RedisLease(vertx, redis, config.buffer().keyPrefix() + ":lease:flush",
        config.flush().leaseSeconds() * 1000L);
    ServiceConfig.Privacy privacy = config.privacy();
    PublicationRule rule = new PublicationRule(privacy.minContributors(), privacy.minContributorsAfterHold(),
        privacy.maxHoldSeconds(), config.buffer().bucketSeconds());
    // Said where the rule is applied, once per node that flushes, with what weakens it.
    LOG.info("publication rule: {}", rule.describe());
    PrivacyNotes.warnings(config).forEach(LOG::warn);
    ServiceMetrics.get().privacyMaxHold(privacy.maxHoldSeconds());
    FlushJob flush = new FlushJob(new BucketStore(redis, buckets),
        new UniverseRepository(pool, config.mysql().queryTimeoutMillis()), buckets,
        config.flush().chunkSize(), rule, config.buffer().ttlSeconds(), lease::renew);
    job = new ScheduledJob<>(vertx, "flush", lease, flush::run, buckets::millisUntilNextFlush, this);
    consumer = vertx.eventBus().consumer(Addresses.FLUSH, msg -> Replies.reply(msg, run("request"), LOG));
    return consumer.completion().onSuccess(v -> {
      job.start();
      job.run("start-up"); // refused: retried when the holder's lease ends
    });
  }

  /** One run's counts; {@code BUSY} (409) when another node holds the lease and flushes instead. */
  Future<io.vertx.core.json.JsonObject> run(String trigger) {
    return job.run(trigger).map(FlushCounts::toJson);
  }

  @Override
  public void done(String trigger, FlushCounts counts, Duration took) {
    ServiceMetrics.get().flushRun("ok", counts.buckets(), counts.read(), counts.inserted(), counts.bumped(), took);
    if (counts.buckets() > 0) {
      // One event per run that published: the universe changes once, never once per bucket.
      LOG.info("flush ({}): {} bucket(s) published, {} contributors, {} read, {} inserted, {} bumped, "
              + "{} rejected, {} held in {} ms", trigger, counts.buckets(), counts.contributors(), counts.read(),
          counts.inserted(), counts.bumped(), counts.rejected(), counts.held(), counts.durationMillis());
      vertx.eventBus().publish(Addresses.EVENT_FLUSHED, counts.toJson());
    } else if (counts.held() > 0) {
      LOG.info("flush ({}): {} closed bucket(s) held for more contributors", trigger, counts.held());
    }
  }

  @Override
  public void skipped(String trigger, Duration took) {
    ServiceMetrics.get().flushRun("skipped", 0, 0, 0, 0, took);
  }

  @Override
  public void failed(String trigger, Throwable error, Duration took) {
    ServiceMetrics.get().flushRun("failed", 0, 0, 0, 0, took);
    LOG.warn("flush ({}) failed, the next run resumes it: {}", trigger, Replies.describe(error));
  }

  @Override
  public Future<?> stop() {
    job.stop();
    return consumer.unregister()
        .eventually(() -> redis.close())
        .eventually(() -> pool.close());
  }
}
