package org.tickeruniverse.universe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.job.SingleFlight;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.ticker.Ticker;
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

  /** Rows per keyset page of a snapshot build: a short range scan, about 1 MB of rows in memory. */
  static final int BUILD_PAGE_ROWS = 10_000;

  /** First retry after a failed build; it doubles up to {@link #MAX_RETRY_MILLIS}. */
  static final long FIRST_RETRY_MILLIS = 1_000;

  static final long MAX_RETRY_MILLIS = 60_000;

  private final Clock clock;
  private final ServiceMetrics metrics;
  private Pool pool;
  private UniverseRepository repository;
  private Buckets buckets;
  private final ServiceConfig config;
  private UniverseDocument snapshot;
  private SingleFlight<UniverseDocument> loads;
  private long periodicId = -1;

  /** Why the last build failed (null: it succeeded, or none ended yet); see SnapshotState. */
  private String problem;

  private long retryTimer = -1;
  private long retryDelayMillis = FIRST_RETRY_MILLIS;
  private final List<MessageConsumer<?>> consumers = new java.util.ArrayList<>();

  /** The seed file's tickers (empty: none configured) and when they were last upserted. */
  private List<String> seeds = List.of();

  private Instant seededAt;
  private boolean seeding;

  public UniverseVerticle(ServiceConfig config) {
    this(config, Clock.systemUTC(), ServiceMetrics.fromVertxBackend());
  }

  public UniverseVerticle(ServiceConfig config, Clock clock, ServiceMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    // Main checked the file before anything started; read again here so that a deployment
    // without Main (a sibling's) fails the same way, and the verticle has the list itself. A file
    // read blocks: on a worker thread, not this event loop.
    return vertx
        .executeBlocking(() -> SeedFile.forSetting(config.universe().seedFile()))
        .compose(this::startWith);
  }

  private Future<?> startWith(List<String> seedList) {
    seeds = seedList;
    pool = Stores.mysql(vertx, config.mysql());
    SnapshotState.publish(vertx, new SnapshotState(null, SnapshotState.NOT_BUILT, 0));
    metrics.universeMaxTickers(config.universe().maxTickers());
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

  /**
   * One page of the snapshot ({@link Messages#AFTER}, {@link Messages#LIMIT}): the reply keeps its
   * shape ({@code count} is the whole universe's, {@code etag} the snapshot's) and carries at most
   * {@link Messages#LIST_PAGE_MAX} tickers, with {@link Messages#NEXT} when more follow — so no
   * reply holds a large universe at once (docs/DESIGN.md#interfaces).
   */
  private void list(Message<Object> msg) {
    String after;
    int limit;
    try {
      JsonObject body = msg.body() instanceof JsonObject j ? j : new JsonObject();
      Object a = body.getValue(Messages.AFTER);
      Object l = body.getValue(Messages.LIMIT, Messages.LIST_PAGE_MAX);
      if ((a != null && !(a instanceof String))
          || !(l instanceof Integer n)
          || n < 1
          || n > Messages.LIST_PAGE_MAX) {
        throw new FailureException(
            ErrorCode.INVALID_INPUT,
            "'"
                + Messages.AFTER
                + "' must be a string and '"
                + Messages.LIMIT
                + "' an integer 1-"
                + Messages.LIST_PAGE_MAX);
      }
      after = (String) a;
      limit = n;
    } catch (RuntimeException invalid) {
      Replies.reply(msg, Future.failedFuture(invalid), LOG);
      return;
    }
    Future<UniverseDocument> doc;
    if (snapshot != null) {
      doc = Future.succeededFuture(snapshot);
    } else if (problem == null || loads.running()) {
      doc = loads.join(); // the first build is under way (or about to be): wait for it
    } else {
      doc =
          Future.failedFuture(
              new FailureException(
                  ErrorCode.UNIVERSE_UNAVAILABLE, "the universe snapshot is " + describeProblem()));
    }
    Replies.reply(
        msg,
        doc.map(
            d -> {
              UniverseDocument.Page page = d.page(after, limit);
              JsonObject reply =
                  new JsonObject()
                      .put(Messages.COUNT, d.count())
                      .put(Messages.TICKERS, new JsonArray(page.tickers()))
                      .put(Messages.ETAG, d.etag());
              return page.next() == null ? reply : reply.put(Messages.NEXT, page.next());
            }),
        LOG);
  }

  private String describeProblem() {
    return problem.equals(SnapshotState.NOT_BUILT) ? problem : "unavailable (" + problem + ")";
  }

  /**
   * Reloads the snapshot. Events can arrive in bursts (a flush on every node of a cluster): at most
   * one load runs at a time and at most one more is queued behind it.
   */
  private Future<UniverseDocument> reload() {
    return loads.again();
  }

  /**
   * Builds the snapshot from the table in keyset pages straight into the document's bytes
   * (docs/PERFORMANCE.md#universe-snapshot): no list of the whole table is ever held. Bounded in
   * time ({@code universe.buildTimeoutMillis}) and in bytes (what {@code universe.maxTickers}
   * tickers of the longest form take), so a table that grew too large fails the build — readiness
   * says why, {@code GET /api/v1/universe} answers 503 — rather than the JVM; a failed build is
   * retried with a doubling back-off (docs/OPERATIONS.md#universe-snapshot).
   */
  private Future<UniverseDocument> load() {
    long started = System.nanoTime();
    UniverseDocument previous = snapshot;
    int hint = previous == null ? 0 : previous.json().length() + previous.json().length() / 16;
    long budget = (long) config.universe().maxTickers() * (Ticker.MAX_LENGTH + 3) + 64;
    Build build = new Build(new UniverseDocument.Builder(hint, budget));
    long timeout = config.universe().buildTimeoutMillis();
    build.nextPage();
    return build
        .pages
        .future()
        .compose(v -> vertx.executeBlocking(() -> build.builder.build(previous), false))
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              build.cancelled = true;
              if (ar.succeeded()) {
                long took = (System.nanoTime() - started) / 1_000_000;
                UniverseDocument doc = ar.result();
                if (doc != previous) {
                  LOG.info(
                      "universe snapshot built: {} tickers, {} bytes JSON, {} bytes gzip in {} ms",
                      doc.count(),
                      doc.json().length(),
                      doc.gzip().length(),
                      took);
                }
                publishIfChanged(doc);
              } else {
                failed(ar.cause());
              }
            });
  }

  /** One build's page loop; each page is asked for from the previous one's callback. */
  private final class Build {
    final UniverseDocument.Builder builder;
    final Promise<Void> pages = Promise.promise();
    boolean cancelled;

    Build(UniverseDocument.Builder builder) {
      this.builder = builder;
    }

    void nextPage() {
      if (cancelled) {
        return; // timed out: stop reading; the builder and its bytes are dropped with this object
      }
      repository
          .listAfter(builder.last(), BUILD_PAGE_ROWS)
          .onFailure(pages::tryFail)
          .onSuccess(
              page -> {
                try {
                  page.forEach(builder::add);
                } catch (RuntimeException e) {
                  pages.tryFail(e);
                  return;
                }
                if (page.size() < BUILD_PAGE_ROWS) {
                  pages.tryComplete();
                } else {
                  nextPage();
                }
              });
    }
  }

  private void failed(Throwable cause) {
    problem =
        cause instanceof TimeoutException
            ? SnapshotState.TIMED_OUT
            : cause instanceof UniverseDocument.TooLargeException
                ? SnapshotState.TOO_LARGE
                : cause instanceof IllegalArgumentException
                    ? SnapshotState.FAILED
                    : SnapshotState.STORE_UNAVAILABLE;
    long delay = retryDelayMillis;
    retryDelayMillis = Math.min(retryDelayMillis * 2, MAX_RETRY_MILLIS);
    SnapshotState.publish(
        vertx, new SnapshotState(snapshot, problem, System.currentTimeMillis() + delay));
    LOG.warn(
        "universe snapshot build failed ({}), {}; retrying in {} ms: {}",
        problem,
        snapshot == null ? "nothing to serve yet" : "keeping the previous snapshot",
        delay,
        Replies.describe(cause));
    vertx.cancelTimer(retryTimer);
    retryTimer = vertx.setTimer(delay, id -> reload());
  }

  private void publishIfChanged(UniverseDocument fresh) {
    boolean changed = snapshot == null || !snapshot.etag().equals(fresh.etag());
    snapshot = fresh;
    if (problem != null && !problem.equals(SnapshotState.NOT_BUILT)) {
      LOG.info("universe snapshot built again after a failure");
    }
    problem = null;
    retryDelayMillis = FIRST_RETRY_MILLIS;
    vertx.cancelTimer(retryTimer);
    SnapshotState.publish(vertx, new SnapshotState(fresh, null, 0));
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
    vertx.cancelTimer(retryTimer);
    SnapshotState.clear(vertx);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> pool.close());
  }
}
