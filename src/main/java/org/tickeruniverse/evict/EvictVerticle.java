package org.tickeruniverse.evict;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.cluster.LeasedJob;
import org.tickeruniverse.cluster.MysqlLease;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Evicts stale rows daily at the configured UTC time and on request at {@link Addresses#EVICT};
 * publishes {@link Addresses#EVENT_EVICTED} with the count after every run that deleted rows.
 *
 * <p>Every node that runs it arms the daily timer; a MySQL named lock ({@link MysqlLease}) lets
 * one of them work at a time. The lease lives in MySQL, the store the job works on, so a node
 * that runs nothing but eviction needs no Redis; eviction is idempotent anyway (a second run
 * finds nothing older than the cut-off).
 */
public final class EvictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EvictVerticle.class);

  private final Clock clock;
  private Pool pool;
  private LeasedJob<Long> job;
  private MysqlLease lease;
  private boolean retryPending;
  private long retryTimer = -1;
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
    pool = Stores.mysql(vertx, config.mysql());
    EvictJob evict = new EvictJob(vertx, new UniverseRepository(pool), clock,
        Duration.ofDays(config.evict().ttlDays()), config.evict().batchSize(), config.evict().pauseMillis());
    var connectOptions = Stores.mysqlConnectOptions(config.mysql());
    // Named locks are server-wide: the database in the name keeps two services on one server
    // apart. At most 64 characters (database names are [A-Za-z0-9_], so cutting is safe).
    String lockName = "ticker_universe.evict." + connectOptions.getDatabase();
    lockName = lockName.substring(0, Math.min(lockName.length(), 64));
    // The same lease time as the flush: a holder that vanishes delays eviction by at most that.
    lease = new MysqlLease(vertx, () -> MySQLConnection.connect(vertx, connectOptions)
        .map(conn -> (SqlConnection) conn), lockName, Math.max(3, config.flush().leaseSeconds()));
    job = new LeasedJob<>(lease, evict::run);
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

  /** As in the FlushVerticle: a call during a run joins it, and only the starter reports it. */
  Future<Long> runOnce(String trigger) {
    if (job.running()) {
      return job.run().map(result -> result.orElse(0L));
    }
    long started = System.nanoTime();
    return job.run()
        .onSuccess(result -> result.ifPresentOrElse(deleted -> {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          ServiceMetrics.get().evicted(deleted, took, "ok");
          LOG.info("evict ({}): {} row(s) deleted in {} ms", trigger, deleted, took.toMillis());
          if (deleted > 0) {
            vertx.eventBus().publish(Addresses.EVENT_EVICTED, Messages.count(Messages.DELETED, deleted)
                .put(Messages.DURATION_MILLIS, took.toMillis()));
          }
        }, this::retryAfterOneLease))
        .onFailure(e -> {
          ServiceMetrics.get().evicted(0, Duration.ofNanos(System.nanoTime() - started), "failed");
          LOG.warn("evict ({}) failed: {}", trigger, Replies.describe(e));
        })
        .map(result -> result.orElse(0L));
  }

  /**
   * Refused because another node holds the lock: try again one lease later, and so on while it
   * is held. A holder that finished leaves nothing to delete; one that vanished has lost the lock
   * by then (its connection ended), and the retry does its work.
   */
  private void retryAfterOneLease() {
    if (stopping || retryPending) {
      return;
    }
    retryPending = true;
    retryTimer = vertx.setTimer(lease.ttlSeconds() * 1000L, id -> {
      retryPending = false;
      runOnce("lease-retry");
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    vertx.cancelTimer(retryTimer);
    return consumer.unregister()
        .eventually(() -> pool.close());
  }
}
