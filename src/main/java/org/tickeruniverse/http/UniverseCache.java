package org.tickeruniverse.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.job.SingleFlight;
import org.tickeruniverse.universe.SnapshotState;
import org.tickeruniverse.universe.UniverseDocument;

/**
 * This verticle's copy of the published universe, so that {@code GET /api/v1/universe} never costs
 * a query: fetched with {@link Addresses#LIST} at start, again whenever {@link
 * Addresses#EVENT_UNIVERSE_CHANGED} announces an ETag other than the one held, and on a slow
 * periodic safety refresh (an event can be lost across a cluster).
 *
 * <p>When the UniverseVerticle runs in the same JVM its document is taken as it is ({@link
 * SnapshotState}); otherwise the list comes over the bus in pages and is built into a document
 * here.
 *
 * <p>Start never waits for the list: the UniverseVerticle may deploy later or live on another node.
 * Until a first document is loaded, {@link #current()} is null (the handler answers 503), and
 * failed fetches are retried with a capped exponential back-off.
 *
 * <p>Confined to the verticle's event loop; the JSON and gzip bytes are built on a worker so a
 * large universe does not stall the loop.
 */
final class UniverseCache {

  private static final Logger LOG = LoggerFactory.getLogger(UniverseCache.class);
  private static final long FIRST_RETRY_MILLIS = 250;

  /** Transfers started again because the snapshot changed mid-way, before the fetch fails. */
  private static final int MAX_RESTARTS = 3;

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final long refreshMillis;

  private UniverseDocument current;

  /** The ETag the UniverseVerticle gave for {@link #current}; events are compared with it. */
  private String sourceEtag;

  /** One fetch in flight, at most one queued: a change announced mid-fetch is fetched once more. */
  private final SingleFlight<Loaded> fetches = new SingleFlight<>(this::fetchOnce);

  private long retryDelayMillis = FIRST_RETRY_MILLIS;
  private boolean failing;
  private long retryTimer = -1;
  private long periodicTimer = -1;
  private MessageConsumer<Object> events;
  private boolean stopped;

  UniverseCache(Vertx vertx, long busTimeoutMillis, long refreshMillis) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(busTimeoutMillis);
    this.refreshMillis = refreshMillis;
  }

  /** Subscribes to change events and starts the first fetch in the background. */
  Future<Void> start() {
    events =
        vertx.eventBus().consumer(Addresses.EVENT_UNIVERSE_CHANGED, msg -> onChanged(msg.body()));
    periodicTimer = vertx.setPeriodic(refreshMillis, id -> fetch());
    fetch();
    return events.completion();
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(periodicTimer);
    vertx.cancelTimer(retryTimer);
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  /** The document to serve, or null while none could be loaded yet. */
  UniverseDocument current() {
    return current;
  }

  private void onChanged(Object body) {
    String etag = body instanceof JsonObject json ? json.getString(Messages.ETAG) : null;
    if (etag != null
        && current != null
        && (etag.equals(sourceEtag) || etag.equals(current.etag()))) {
      return; // already holding that version (e.g. our own refetch raced the event)
    }
    fetch();
  }

  private void fetch() {
    if (!stopped) {
      fetches.again();
    }
  }

  private Future<Loaded> fetchOnce() {
    Future<Loaded> loaded;
    SnapshotState local = SnapshotState.of(vertx);
    if (local != null && local.document() != null) {
      // The UniverseVerticle of this JVM: serve its very document, no second copy.
      loaded = Future.succeededFuture(new Loaded(local.document(), local.document().etag()));
    } else {
      loaded = fetchPages(0);
    }
    return loaded.onComplete(
        ar -> {
          if (ar.succeeded()) {
            onLoaded(ar.result());
          } else {
            onFailed(ar.cause());
          }
        });
  }

  /** Why {@link #current()} is null, for the 503's message; safe for any caller to read. */
  String whyUnavailable() {
    SnapshotState local = SnapshotState.of(vertx);
    return local != null && local.problem() != null
        ? "the universe snapshot is not available (" + local.problem() + ")"
        : "the universe is not loaded yet";
  }

  /** Seconds until a retry makes sense: the local build's next attempt, else about now. */
  int retryAfterSeconds() {
    SnapshotState local = SnapshotState.of(vertx);
    return local != null && local.retryAtMillis() > 0
        ? local.retryAfterSeconds(System.currentTimeMillis())
        : 1;
  }

  /**
   * The universe over the event bus (the UniverseVerticle runs on another node), page by page
   * ({@link Messages#NEXT}) into a document builder, so that no reply and no list of the whole
   * universe is ever held. The pages must all carry the first one's ETag: if the snapshot changed
   * mid-way the transfer starts again (a few times at most), and the document built must hash to
   * that ETag.
   */
  private Future<Loaded> fetchPages(int restarts) {
    return page(null)
        .compose(
            first -> {
              SnapshotState local = SnapshotState.of(vertx);
              if (local != null && local.document() != null) {
                // built here meanwhile: take it rather than a second copy over the bus
                return Future.succeededFuture(
                    new Loaded(local.document(), local.document().etag()));
              }
              String etag = first.getString(Messages.ETAG);
              if (current != null && etag != null && etag.equals(sourceEtag)) {
                return Future.succeededFuture(new Loaded(current, etag)); // unchanged
              }
              if (first.getString(Messages.NEXT) == null) {
                List<String> tickers = strings(first);
                return vertx
                    .executeBlocking(() -> UniverseDocument.of(tickers), false)
                    .compose(doc -> checked(doc, etag));
              }
              UniverseDocument.Builder builder =
                  new UniverseDocument.Builder(
                      current == null ? 0 : current.json().length(), Long.MAX_VALUE);
              Promise<Loaded> done = Promise.promise();
              collect(first, etag, builder, done);
              return done.future()
                  .recover(
                      e ->
                          e instanceof SnapshotChanged && restarts < MAX_RESTARTS
                              ? fetchPages(restarts + 1)
                              : Future.failedFuture(e));
            });
  }

  private void collect(
      JsonObject page, String etag, UniverseDocument.Builder builder, Promise<Loaded> done) {
    if (!java.util.Objects.equals(etag, page.getString(Messages.ETAG))) {
      done.tryFail(new SnapshotChanged());
      return;
    }
    try {
      strings(page).forEach(builder::add);
    } catch (RuntimeException e) {
      done.tryFail(e);
      return;
    }
    String next = page.getString(Messages.NEXT);
    if (next == null) {
      vertx
          .executeBlocking(() -> builder.build(), false)
          .compose(doc -> checked(doc, etag))
          .onComplete(done);
      return;
    }
    page(next).onFailure(done::tryFail).onSuccess(reply -> collect(reply, etag, builder, done));
  }

  /**
   * The document built here must be the source's: same bytes, same ETag (a source without an ETag,
   * e.g. an older node, is taken as it is).
   */
  private static Future<Loaded> checked(UniverseDocument doc, String sourceEtag) {
    return sourceEtag == null || sourceEtag.equals(doc.etag())
        ? Future.succeededFuture(new Loaded(doc, sourceEtag))
        : Future.failedFuture(
            new IllegalStateException("the universe built here does not match its source's ETag"));
  }

  private Future<JsonObject> page(String after) {
    JsonObject request =
        after == null ? new JsonObject() : new JsonObject().put(Messages.AFTER, after);
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.LIST, request, delivery)
        .compose(
            reply ->
                reply.body() != null && reply.body().getValue(Messages.TICKERS) instanceof JsonArray
                    ? Future.succeededFuture(reply.body())
                    : Future.failedFuture(
                        new IllegalStateException("LIST reply without a tickers array")));
  }

  private static List<String> strings(JsonObject reply) {
    JsonArray array = reply.getJsonArray(Messages.TICKERS);
    List<String> tickers = new ArrayList<>(array.size());
    for (Object t : array) {
      tickers.add(String.valueOf(t));
    }
    return tickers;
  }

  /** The snapshot changed between two pages of one transfer. */
  private static final class SnapshotChanged extends RuntimeException {
    SnapshotChanged() {
      super("the universe changed during the transfer", null, false, false);
    }
  }

  private void onLoaded(Loaded loaded) {
    if (failing) {
      LOG.info("universe loaded again ({} tickers)", loaded.document().count());
    }
    current = loaded.document();
    sourceEtag = loaded.sourceEtag();
    failing = false;
    retryDelayMillis = FIRST_RETRY_MILLIS;
  }

  private void onFailed(Throwable cause) {
    if (!failing) {
      // Once per streak; the cause names the failure type (no handler, time-out), never data.
      String why =
          cause instanceof ReplyException re
              ? re.failureType().name()
              : cause.getClass().getSimpleName();
      LOG.warn(
          "cannot load the universe ({}); serving {} and retrying",
          why,
          current == null ? "503" : "the previous copy");
      failing = true;
    }
    if (stopped) {
      return;
    }
    vertx.cancelTimer(retryTimer);
    retryTimer = vertx.setTimer(retryDelayMillis, id -> fetch());
    retryDelayMillis =
        Math.min(
            retryDelayMillis * 2, Math.max(FIRST_RETRY_MILLIS, Math.min(refreshMillis, 30_000)));
  }

  private record Loaded(UniverseDocument document, String sourceEtag) {}
}
