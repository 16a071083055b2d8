package org.tickeruniverse.flush;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.job.JobReport;
import org.tickeruniverse.job.RedisLease;
import org.tickeruniverse.job.ScheduledJob;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.privacy.PrivacyNotes;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Moves closed buckets into MySQL: on a timer re-armed to every bucket boundary + grace (wall
 * clock, so every node fires at the same moments), once at start-up to catch up, and on request at
 * {@link Addresses#FLUSH}. Publishes {@link Addresses#EVENT_FLUSHED} with counts after every run
 * that published a bucket; closed buckets the {@link PublicationRule} holds back wait for the next
 * run.
 *
 * <p>Every node that runs it arms the timer; a Redis lease lets one of them work at a time (see
 * {@link ScheduledJob} for the retry when the holder dies). The lease lives in Redis, next to the
 * buckets and under the same key prefix, so on Redis Cluster it shares their slot.
 */
public final class FlushVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FlushVerticle.class);

  private int maxTickers;

  private final Clock clock;
  private final ServiceMetrics metrics;
  private Redis redis;
  private Pool pool;
  private ScheduledJob<FlushCounts> job;
  private MessageConsumer<Object> consumer;

  private final ServiceConfig config;

  public FlushVerticle(ServiceConfig config) {
    this(config, Clock.systemUTC(), ServiceMetrics.fromVertxBackend());
  }

  public FlushVerticle(ServiceConfig config, Clock clock, ServiceMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    maxTickers = config.universe().maxTickers();
    redis = Stores.redis(vertx, config.redis());
    pool = Stores.mysql(vertx, config.mysql());
    Buckets buckets = config.buckets(clock);
    RedisLease lease =
        new RedisLease(
            vertx,
            redis,
            config.buffer().keyPrefix() + ":lease:flush",
            config.flush().leaseSeconds() * 1000L);
    ServiceConfig.Privacy privacy = config.privacy();
    PublicationRule rule =
        new PublicationRule(
            privacy.minContributors(),
            privacy.minContributorsAfterHold(),
            privacy.maxHoldSeconds(),
            config.buffer().bucketSeconds());
    // Said where the rule is applied, once per node that flushes, with what weakens it.
    LOG.info("publication rule: {}", rule.describe());
    PrivacyNotes.warnings(config).forEach(LOG::warn);
    metrics.privacyMaxHold(privacy.maxHoldSeconds());
    FlushJob flush =
        new FlushJob(
            new BucketStore(redis, buckets),
            new UniverseRepository(
                pool,
                config.mysql().queryTimeoutMillis(),
                StampPrecision.of(privacy.stampPrecision()),
                config.universe().maxTickers()),
            buckets,
            config.flush().chunkSize(),
            rule,
            config.buffer().ttlSeconds(),
            metrics,
            lease::renew);
    job =
        new ScheduledJob<>(
            vertx, "flush", lease, flush::run, buckets::millisUntilNextFlush, report());
    consumer =
        vertx.eventBus().consumer(Addresses.FLUSH, msg -> Replies.reply(msg, run("request"), LOG));
    return consumer
        .completion()
        .onSuccess(
            v -> {
              job.start();
              job.run("start-up"); // refused: retried when the holder's lease ends
            });
  }

  /** One run's counts; {@code BUSY} (409) when another node holds the lease and flushes instead. */
  Future<io.vertx.core.json.JsonObject> run(String trigger) {
    return job.run(trigger).map(FlushCounts::toJson);
  }

  /**
   * One event per run that published: the universe changes once, never once per bucket. A run that
   * only held buckets says so in the log; counts only, in both.
   */
  private JobReport<FlushCounts> report() {
    return new JobReport<>(
        "flush",
        LOG,
        vertx.eventBus(),
        (outcome, counts, took) -> {
          metrics.flushRun(outcome, counts == null ? FlushCounts.NONE : counts, took);
          if (counts != null && counts.refusedCapacity() > 0) {
            // Counts only; docs/OPERATIONS.md#universe-at-capacity says what to do.
            LOG.warn(
                "universe at capacity ({} tickers): {} new ticker(s) not published, kept buffered",
                maxTickers,
                counts.refusedCapacity());
          }
        },
        (counts, took) ->
            counts.buckets() > 0
                ? counts.buckets()
                    + " bucket(s) published, "
                    + counts.contributors()
                    + " contributors, "
                    + counts.read()
                    + " read, "
                    + counts.inserted()
                    + " inserted, "
                    + counts.bumped()
                    + " bumped, "
                    + counts.rejected()
                    + " rejected, "
                    + counts.held()
                    + " held"
                    + (counts.refusedCapacity() > 0
                        ? ", " + counts.refusedCapacity() + " refused (universe full)"
                        : "")
                    + " in "
                    + counts.durationMillis()
                    + " ms"
                : counts.held() > 0
                    ? counts.held() + " closed bucket(s) held for more contributors"
                    : null,
        Addresses.EVENT_FLUSHED,
        (counts, took) -> counts.buckets() > 0 ? counts.toJson() : null);
  }

  @Override
  public Future<?> stop() {
    job.stop();
    return consumer.unregister().eventually(() -> redis.close()).eventually(() -> pool.close());
  }
}
