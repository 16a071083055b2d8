package org.tickeruniverse.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The typed event-bus API of the service for sibling verticles, in the same JVM or on any node of
 * the cluster: one method per documented {@link Addresses address}, the same validation, the same
 * answers as HTTP. A thin, hand-written layer over plain JSON request/reply — nothing to generate,
 * nothing to register, and a sibling that prefers raw messages can mix both.
 *
 * <pre>{@code
 * public class PricesVerticle extends VerticleBase {
 *   private UniverseClient universe;
 *
 *   @Override
 *   public Future<?> start() {
 *     universe = UniverseClient.create(vertx);
 *     // re-read the universe whenever a flush or an eviction changed it (on any node)
 *     universe.onFlushed(counts -> reload());
 *     return universe.onEvicted(deleted -> reload()).completion().compose(v -> reload());
 *   }
 *
 *   private Future<List<String>> reload() {
 *     return universe.list().onSuccess(tickers -> subscribePrices(tickers));
 *   }
 *
 *   void portfolioUploaded(List<String> tickers) {
 *     universe.buffer(tickers)
 *         .onSuccess(n -> log.info("{} tickers buffered", n))
 *         .onFailure(e -> {
 *           // ReplyException: failureCode() 400 invalid tickers (message names the offenders),
 *           // 403 switched off, 503 a store is down; -1 with NO_HANDLERS/TIMEOUT when no node
 *           // runs the verticle that serves the address
 *         });
 *   }
 * }
 * }</pre>
 *
 * <p>Failures are left as the {@link ReplyException} the event bus delivered: {@code failureCode()}
 * is the HTTP-like code of {@link ErrorCode} and {@code getMessage()} its JSON body ({@link
 * ErrorCode#details} parses either). Event subscriptions are cluster-wide: a flush on any node
 * reaches every subscriber. Events carry counts, never tickers.
 *
 * <p>The default send time-out is the event bus's (30 s). A flush that catches up many buckets can
 * take longer: pass {@link DeliveryOptions} with a longer {@code sendTimeout} when calling {@link
 * #flush()} or {@link #evict()} on a large universe.
 */
public final class UniverseClient {

  private final EventBus bus;
  private final DeliveryOptions options;

  public UniverseClient(Vertx vertx, DeliveryOptions options) {
    this.bus = Objects.requireNonNull(vertx, "vertx").eventBus();
    this.options = new DeliveryOptions(Objects.requireNonNull(options, "options"));
  }

  public static UniverseClient create(Vertx vertx) {
    return new UniverseClient(vertx, new DeliveryOptions());
  }

  public static UniverseClient create(Vertx vertx, DeliveryOptions options) {
    return new UniverseClient(vertx, options);
  }

  /**
   * Adds tickers to the current bucket; they reach the universe when the bucket is flushed.
   *
   * @return the number of distinct valid tickers accepted — never how many were new
   */
  public Future<Integer> buffer(List<String> tickers) {
    return request(Addresses.BUFFER, tickers(tickers)).map(r -> r.getInteger(Messages.BUFFERED));
  }

  /**
   * As {@link #buffer(List)}, on behalf of {@code contributor} (1–128 printable ASCII characters,
   * e.g. the sibling's own user id): the buffer counts distinct contributors before it publishes
   * (docs/DESIGN.md#anonymity-the-publication-pool). Without one, every upload of every sibling
   * counts as the same single "unknown" contributor.
   */
  public Future<Integer> buffer(List<String> tickers, String contributor) {
    return request(Addresses.BUFFER, Messages.bufferRequest(tickers, contributor))
        .map(r -> r.getInteger(Messages.BUFFERED));
  }

  /**
   * Moves {@code last_referenced_at} of the tickers already in the universe; returns rows matched.
   */
  public Future<Integer> refresh(List<String> tickers) {
    return request(Addresses.REFRESH, tickers(tickers)).map(r -> r.getInteger(Messages.UPDATED));
  }

  /** Inserts or bumps at once, bypassing the buffer (leaks timing; 403 when switched off). */
  public Future<Integer> upsert(List<String> tickers) {
    return request(Addresses.UPSERT, tickers(tickers)).map(r -> r.getInteger(Messages.UPSERTED));
  }

  /**
   * Every ticker of the universe, sorted; the same list the HTTP endpoint publishes. A universe of
   * more than {@link Messages#LIST_PAGE_MAX} tickers comes in several replies, joined here; if the
   * universe changes between two of them the list is read again from the start (a few times at
   * most). The whole list is held by the caller: for a large universe prefer {@link #listPage}.
   */
  public Future<List<String>> list() {
    return collect(null, null, new ArrayList<>(), 0);
  }

  /**
   * One page: up to {@code limit} (1–{@link Messages#LIST_PAGE_MAX}) tickers after {@code after}
   * (null: from the first). The reply is {@code {"count":n,"tickers":[…],"etag":"…","next":"…"}},
   * {@code count} being the whole universe's and {@code next}, present when more follow, the {@code
   * after} of the next page.
   */
  public Future<JsonObject> listPage(String after, int limit) {
    JsonObject request = new JsonObject().put(Messages.LIMIT, limit);
    return request(Addresses.LIST, after == null ? request : request.put(Messages.AFTER, after));
  }

  private static final int LIST_RESTARTS = 3;

  private Future<List<String>> collect(String after, String etag, List<String> acc, int restarts) {
    JsonObject request =
        after == null ? new JsonObject() : new JsonObject().put(Messages.AFTER, after);
    return request(Addresses.LIST, request)
        .compose(
            r -> {
              String e = r.getString(Messages.ETAG);
              if (etag != null && !etag.equals(e)) {
                if (restarts >= LIST_RESTARTS) {
                  return Future.failedFuture(
                      new IllegalStateException("the universe kept changing while listed"));
                }
                acc.clear();
                return collect(null, null, acc, restarts + 1);
              }
              for (Object t : r.getJsonArray(Messages.TICKERS, new JsonArray())) {
                acc.add((String) t);
              }
              String next = r.getString(Messages.NEXT);
              return next == null
                  ? Future.succeededFuture(List.copyOf(acc))
                  : collect(next, e, acc, restarts);
            });
  }

  /**
   * Flushes every closed bucket now. Fails with a {@code ReplyException} of failure code 409
   * ({@code {"code":"busy","message":…,"retryAfterSeconds":n}}) when another node holds the flush
   * lease at this moment: it is flushing the same buckets, and its lease ends within n seconds.
   */
  public Future<FlushCounts> flush() {
    return request(Addresses.FLUSH, new JsonObject()).map(FlushCounts::fromJson);
  }

  /**
   * Evicts rows not referenced within the TTL now; returns rows deleted (409 busy, as for {@link
   * #flush()}, when another node is at it).
   */
  public Future<Long> evict() {
    return request(Addresses.EVICT, new JsonObject()).map(r -> r.getLong(Messages.DELETED));
  }

  /**
   * Calls {@code handler} after every flush run, on any node, that flushed at least one bucket.
   * Wait for {@link MessageConsumer#completion()} before relying on it; unregister to stop.
   */
  public MessageConsumer<JsonObject> onFlushed(Handler<FlushCounts> handler) {
    Objects.requireNonNull(handler, "handler");
    return bus.consumer(
        Addresses.EVENT_FLUSHED, msg -> handler.handle(FlushCounts.fromJson(msg.body())));
  }

  /**
   * Calls {@code handler} with the number of rows deleted after every eviction that deleted rows.
   */
  public MessageConsumer<JsonObject> onEvicted(Handler<Long> handler) {
    Objects.requireNonNull(handler, "handler");
    return bus.consumer(
        Addresses.EVENT_EVICTED, msg -> handler.handle(msg.body().getLong(Messages.DELETED, 0L)));
  }

  /** Entries go as they are (nulls too): validating them is the serving verticle's job. */
  private static JsonObject tickers(List<String> tickers) {
    Objects.requireNonNull(tickers, "tickers");
    return new JsonObject().put(Messages.TICKERS, new JsonArray(new ArrayList<>(tickers)));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, options).map(reply -> reply.body());
  }
}
