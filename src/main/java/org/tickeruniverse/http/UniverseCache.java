package org.tickeruniverse.http;

import io.vertx.core.Future;
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
import org.tickeruniverse.async.SingleFlight;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.universe.UniverseDocument;

/**
 * This verticle's copy of the published universe, so that {@code GET /api/v1/universe} never costs
 * a query: fetched with {@link Addresses#LIST} at start, again whenever {@link
 * Addresses#EVENT_UNIVERSE_CHANGED} announces an ETag other than the one held, and on a slow
 * periodic safety refresh (an event can be lost across a cluster).
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

  UniverseCache(Vertx vertx, long busTimeoutMillis, int refreshSeconds) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(busTimeoutMillis);
    this.refreshMillis = refreshSeconds * 1000L;
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
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.LIST, new JsonObject(), delivery)
        .compose(reply -> build(reply.body()))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onLoaded(ar.result());
              } else {
                onFailed(ar.cause());
              }
            });
  }

  private Future<Loaded> build(JsonObject reply) {
    if (reply == null || !(reply.getValue(Messages.TICKERS) instanceof JsonArray array)) {
      return Future.failedFuture(new IllegalStateException("LIST reply without a tickers array"));
    }
    String etag = reply.getString(Messages.ETAG);
    if (current != null && etag != null && etag.equals(sourceEtag)) {
      return Future.succeededFuture(new Loaded(current, etag)); // unchanged: keep the same object
    }
    List<String> tickers = new ArrayList<>(array.size());
    for (Object t : array) {
      tickers.add(String.valueOf(t));
    }
    return vertx.executeBlocking(
        () -> {
          UniverseDocument doc = UniverseDocument.of(tickers);
          doc.gzip(); // build the compressed form now, not on the first request's event loop
          return new Loaded(doc, etag);
        },
        false);
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
