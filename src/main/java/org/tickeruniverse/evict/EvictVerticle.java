package org.tickeruniverse.evict;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.job.JobReport;
import org.tickeruniverse.job.MysqlLease;
import org.tickeruniverse.job.ScheduledJob;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Evicts stale rows daily at the configured UTC time and on request at {@link Addresses#EVICT};
 * publishes {@link Addresses#EVENT_EVICTED} with the count after every run that deleted rows.
 *
 * <p>Every node that runs it arms the daily timer; a MySQL named lock ({@link MysqlLease}) lets one
 * of them work at a time. The lease lives in MySQL, the store the job works on, so a node that runs
 * nothing but eviction needs no Redis; eviction is idempotent anyway (a second run finds nothing
 * older than the cut-off).
 */
public final class EvictVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EvictVerticle.class);

  private final Clock clock;
  private final ServiceMetrics metrics;
  private Pool pool;
  private ScheduledJob<Long> job;
  private MessageConsumer<Object> consumer;

  private final ServiceConfig config;

  public EvictVerticle(ServiceConfig config) {
    this(config, Clock.systemUTC(), ServiceMetrics.fromVertxBackend());
  }

  public EvictVerticle(ServiceConfig config, Clock clock, ServiceMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = Stores.mysql(vertx, config.mysql());
    EvictJob evict =
        new EvictJob(
            vertx,
            new UniverseRepository(pool, config.mysql().queryTimeoutMillis()),
            clock,
            config.evict().ttlDays(),
            config.evict().spreadDays(),
            config.evict().batchSize(),
            config.evict().pauseMillis());
    var connectOptions = Stores.mysqlConnectOptions(config.mysql());
    // Named locks are server-wide: the database in the name keeps two services on one server
    // apart. At most 64 characters (database names are [A-Za-z0-9_], so cutting is safe).
    String lockName = "ticker_universe.evict." + connectOptions.getDatabase();
    lockName = lockName.substring(0, Math.min(lockName.length(), 64));
    // The same lease time as the flush: a holder that vanishes delays eviction by at most that.
    MysqlLease lease =
        new MysqlLease(
            vertx,
            () -> MySQLConnection.connect(vertx, connectOptions).map(conn -> (SqlConnection) conn),
            lockName,
            Math.max(3, config.flush().leaseSeconds()));
    DailySchedule schedule = new DailySchedule(config.evict().dailyAtUtc());
    job =
        new ScheduledJob<>(
            vertx, "eviction", lease, evict::run, () -> schedule.millisUntilNext(clock), report());
    consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.EVICT,
                msg ->
                    Replies.reply(
                        msg,
                        job.run("request").map(n -> Messages.count(Messages.DELETED, n)),
                        LOG));
    return consumer.completion().onSuccess(v -> job.start());
  }

  /** Every run is logged (eviction is daily); an event only when rows went. */
  private JobReport<Long> report() {
    return new JobReport<>(
        "evict",
        LOG,
        vertx.eventBus(),
        (outcome, deleted, took) -> metrics.evicted(deleted == null ? 0 : deleted, took, outcome),
        (deleted, took) -> deleted + " row(s) deleted in " + took.toMillis() + " ms",
        Addresses.EVENT_EVICTED,
        (deleted, took) ->
            deleted > 0
                ? Messages.count(Messages.DELETED, deleted)
                    .put(Messages.DURATION_MILLIS, took.toMillis())
                : null);
  }

  @Override
  public Future<?> stop() {
    job.stop();
    return consumer.unregister().eventually(() -> pool.close());
  }
}
