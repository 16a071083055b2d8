package org.tickeruniverse.universe;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.async.SingleFlight;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * The table's synchronous operations and its published form. Serves {@link Addresses#REFRESH},
 * {@link Addresses#UPSERT} and {@link Addresses#LIST}; {@code list} answers from an in-memory
 * snapshot, reloaded after flush, eviction and upsert events (from any node) and on a slow periodic
 * safety refresh — never one query per request. When the snapshot changes it publishes {@link
 * Addresses#EVENT_UNIVERSE_CHANGED}, which HTTP verticles on every node follow.
 *
 * <p>Time stamps written here are the start of the current bucket, not the moment of the call:
 * nothing written reveals time inside a bucket (docs/DESIGN.md#privacy-rules); the repository then
 * writes {@code last_referenced_at} at the configured precision, by default the UTC day, so that
 * two callers' refreshes of one day leave the same value.
 *
 * <p>It also owns the seeded universe ({@link SeedFile}): seeding is a write to the table that must
 * be followed by a reload of the snapshot, both of which live here; it needs MySQL only (no Redis,
 * no lease: the upsert is idempotent, so every node that serves the universe may seed); and a node
 * that serves the universe is exactly a node whose readers expect the seeds in it. The tickers are
 * upserted at start-up and again once a day (checked on every safety refresh, by the injected
 * clock), which keeps their {@code last_referenced_at} fresh so eviction never takes them
 * (docs/DESIGN.md#anonymity-the-publication-pool).
 */
public final class UniverseVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UniverseVerticle.class);

  private final Clock clock;
  private final ServiceMetrics metrics;
  private Pool pool;
  private UniverseRepository repository;
  private Buckets buckets;
  private ServiceConfig config;
  private UniverseDocument snapshot;
  private SingleFlight<UniverseDocument> loads;
  private long periodicId = -1;
  private final List<MessageConsumer<?>> consumers = new java.util.ArrayList<>();

  /** The seed file's tickers (empty: none configured) and when they were last upserted. */
  private List<String> seeds = List.of();

  private Instant seededAt;
  private boolean seeding;

  public UniverseVerticle() {
    this(Clock.systemUTC(), ServiceMetrics.fromVertxBackend());
  }

  public UniverseVerticle(Clock clock, ServiceMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    config = ServiceConfig.fromJson(config());
    // Main checked the file before anything started; read again here so that a deployment
    // without Main (a sibling's) fails the same way, and the verticle has the list itself.
    seeds = SeedFile.forSetting(config.universe().seedFile());
    pool = Stores.mysql(vertx, config.mysql());
    repository =
        new UniverseRepository(
            pool,
            config.mysql().queryTimeoutMillis(),
            StampPrecision.of(config.privacy().stampPrecision()));
    loads = new SingleFlight<>(this::load);
    buckets = config.buckets(clock);
    var bus = vertx.eventBus();
    consumers.add(bus.consumer(Addresses.REFRESH, msg -> write(msg, this::refresh)));
    consumers.add(bus.consumer(Addresses.UPSERT, msg -> write(msg, this::upsert)));
    consumers.add(bus.<Object>consumer(Addresses.LIST, this::list));
    for (String event :
        List.of(Addresses.EVENT_FLUSHED, Addresses.EVENT_EVICTED, Addresses.EVENT_UPSERTED)) {
      consumers.add(bus.consumer(event, msg -> reload()));
    }
    periodicId =
        vertx.setPeriodic(
            config.universe().refreshSeconds() * 1000L,
            id -> seedIfDue().onComplete(ar -> reload()));
    // Ready once every consumer is registered (cluster-wide, when clustered). The first load and
    // seeding run in the background: MySQL being down must not stop the node from starting (a
    // failed seeding is tried again on every refresh until it succeeds).
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .onSuccess(v -> seedIfDue().onComplete(ar -> reload()));
  }

  /** Upserts the seeds when they never were, or were a day ago or more (by the injected clock). */
  private Future<Void> seedIfDue() {
    Instant now = clock.instant();
    if (seeds.isEmpty()
        || seeding
        || (seededAt != null && now.isBefore(seededAt.plus(java.time.Duration.ofDays(1))))) {
      return Future.succeededFuture();
    }
    seeding = true;
    Instant stamp = Instant.ofEpochSecond(buckets.currentStart());
    Future<Void> all = Future.succeededFuture();
    int chunk = config.flush().chunkSize();
    for (int from = 0; from < seeds.size(); from += chunk) {
      List<String> part = seeds.subList(from, Math.min(seeds.size(), from + chunk));
      all = all.compose(v -> repository.upsert(part, stamp));
    }
    return all.onComplete(ar -> seeding = false)
        .onSuccess(
            v -> {
              seededAt = now;
              LOG.info("seeded universe: {} ticker(s) upserted", seeds.size());
            })
        .onFailure(
            e ->
                LOG.warn(
                    "seeding the universe failed, tried again at the next refresh: {}",
                    Replies.describe(e)));
  }

  private void write(
      Message<Object> msg, BiFunction<List<String>, Instant, Future<JsonObject>> op) {
    Future<JsonObject> outcome;
    try {
      TickerBatch batch =
          TickerBatch.parse(Messages.rawTickers(msg.body()), config.buffer().maxTickers());
      outcome = op.apply(batch.tickers(), Instant.ofEpochSecond(buckets.currentStart()));
    } catch (RuntimeException invalid) {
      outcome = Future.failedFuture(invalid);
    }
    Replies.reply(msg, outcome, LOG);
  }

  private Future<JsonObject> refresh(List<String> tickers, Instant stamp) {
    return repository.refresh(tickers, stamp).map(n -> Messages.count(Messages.UPDATED, n));
  }

  private Future<JsonObject> upsert(List<String> tickers, Instant stamp) {
    if (!config.upsert().enabled()) {
      return Future.failedFuture(
          new FailureException(
              ErrorCode.UPSERT_DISABLED,
              "the synchronous upsert is closed on this service (it would publish outside the"
                  + " anonymity pool); use buffer"));
    }
    if (tickers.isEmpty()) {
      return Future.succeededFuture(Messages.count(Messages.UPSERTED, 0));
    }
    return repository
        .upsert(tickers, stamp)
        .map(
            done -> {
              vertx
                  .eventBus()
                  .publish(
                      Addresses.EVENT_UPSERTED, Messages.count(Messages.UPSERTED, tickers.size()));
              return Messages.count(Messages.UPSERTED, tickers.size());
            });
  }

  private void list(Message<Object> msg) {
    Future<UniverseDocument> doc =
        snapshot != null ? Future.succeededFuture(snapshot) : loads.join();
    Replies.reply(
        msg,
        doc.map(
            d ->
                new JsonObject()
                    .put(Messages.COUNT, d.count())
                    .put(Messages.TICKERS, new JsonArray(d.tickers()))
                    .put(Messages.ETAG, d.etag())),
        LOG);
  }

  /**
   * Reloads the snapshot. Events can arrive in bursts (a flush on every node of a cluster): at most
   * one load runs at a time and at most one more is queued behind it.
   */
  private Future<UniverseDocument> reload() {
    return loads.again();
  }

  private Future<UniverseDocument> load() {
    return repository
        .listAll()
        .map(UniverseDocument::of)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                publishIfChanged(ar.result());
              } else {
                LOG.warn(
                    "universe reload failed, keeping the previous snapshot: {}",
                    Replies.describe(ar.cause()));
              }
            });
  }

  private void publishIfChanged(UniverseDocument fresh) {
    boolean changed = snapshot == null || !snapshot.etag().equals(fresh.etag());
    snapshot = fresh;
    metrics.universeSize(fresh.count());
    if (changed) {
      vertx
          .eventBus()
          .publish(
              Addresses.EVENT_UNIVERSE_CHANGED,
              new JsonObject().put(Messages.COUNT, fresh.count()).put(Messages.ETAG, fresh.etag()));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(periodicId);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> pool.close());
  }
}
