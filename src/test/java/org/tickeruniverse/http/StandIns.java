package org.tickeruniverse.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.universe.UniverseDocument;

/**
 * Stand-in consumers for the event-bus addresses the HTTP verticle talks to. The event bus is the
 * contract boundary: these answer as the real verticles do (same message shapes, same {@link
 * ErrorCode} codes), record what reached them, and can be told to fail or hang.
 */
final class StandIns {

  /** How a stand-in answers a request. */
  interface Behaviour extends Function<Message<Object>, Future<JsonObject>> {}

  private final Vertx vertx;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final Map<String, ConcurrentLinkedQueue<JsonObject>> received = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> overrides = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile List<String> universe = List.of("AAPL", "MSFT", "VOD.L");

  /** The document of {@link #universe}, built once per list rather than once per LIST page. */
  private volatile UniverseDocument document;

  StandIns(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Registers every address the HTTP verticle uses. */
  StandIns registerAll() {
    return register(
        Addresses.BUFFER,
        Addresses.REFRESH,
        Addresses.UPSERT,
        Addresses.LIST,
        Addresses.FLUSH,
        Addresses.EVICT);
  }

  StandIns register(String... addresses) {
    List<Future<Void>> done = new ArrayList<>();
    for (String address : addresses) {
      MessageConsumer<Object> c = vertx.eventBus().consumer(address, msg -> answer(address, msg));
      consumers.add(c);
      done.add(c.completion());
    }
    Future.all(done).await();
    return this;
  }

  /** Removes the consumers of one address: requests to it then fail with NO_HANDLERS. */
  void unregister(String address) {
    for (var it = consumers.iterator(); it.hasNext(); ) {
      MessageConsumer<Object> c = it.next();
      if (c.address().equals(address)) {
        c.unregister().await();
        it.remove();
      }
    }
  }

  void unregisterAll() {
    for (MessageConsumer<Object> c : consumers) {
      c.unregister().await();
    }
    consumers.clear();
  }

  void override(String address, Behaviour behaviour) {
    overrides.put(address, behaviour);
  }

  void reset() {
    overrides.clear();
    received.clear();
    maxInFlight.set(0);
  }

  List<JsonObject> received(String address) {
    return List.copyOf(received.getOrDefault(address, new ConcurrentLinkedQueue<>()));
  }

  int count(String address) {
    return received.getOrDefault(address, new ConcurrentLinkedQueue<>()).size();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  synchronized void universe(List<String> tickers) {
    this.universe = List.copyOf(tickers);
    this.document = null;
  }

  private synchronized UniverseDocument document() {
    if (document == null) {
      document = UniverseDocument.of(universe);
    }
    return document;
  }

  static Behaviour failWith(ErrorCode failure, String message) {
    return msg -> Future.failedFuture(new FailedReply(failure, message));
  }

  /** Fails with a code and a text that is not this service's JSON (a foreign consumer). */
  static Behaviour rawFail(int code, String text) {
    return msg -> Future.failedFuture(new RawFailure(code, text));
  }

  /** Never answers: the requester times out. */
  static Behaviour hang() {
    return msg -> Promise.<JsonObject>promise().future();
  }

  static Behaviour answerAfter(Future<?> gate, Behaviour then) {
    return msg -> gate.transform(ar -> then.apply(msg));
  }

  private void answer(String address, Message<Object> msg) {
    JsonObject body =
        msg.body() instanceof JsonObject j
            ? j.copy()
            : new JsonObject().put("raw", String.valueOf(msg.body()));
    received.computeIfAbsent(address, a -> new ConcurrentLinkedQueue<>()).add(body);
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    Behaviour b = overrides.getOrDefault(address, defaults(address));
    b.apply(msg)
        .onComplete(
            ar -> {
              inFlight.decrementAndGet();
              if (ar.succeeded()) {
                msg.reply(ar.result());
              } else if (ar.cause() instanceof RawFailure r) {
                msg.fail(r.code, r.getMessage());
              } else if (ar.cause() instanceof FailedReply f) {
                msg.fail(f.failure.code(), f.failure.body(f.getMessage()));
              } else {
                msg.fail(ErrorCode.INTERNAL.code(), ErrorCode.INTERNAL.body("boom"));
              }
            });
  }

  private Behaviour defaults(String address) {
    return msg -> {
      JsonObject body = msg.body() instanceof JsonObject j ? j : new JsonObject();
      int n = body.getJsonArray(Messages.TICKERS, new JsonArray()).size();
      if (address.equals(Addresses.BUFFER)) {
        return Future.succeededFuture(Messages.count(Messages.BUFFERED, n));
      } else if (address.equals(Addresses.REFRESH)) {
        return Future.succeededFuture(Messages.count(Messages.UPDATED, n));
      } else if (address.equals(Addresses.UPSERT)) {
        return Future.succeededFuture(Messages.count(Messages.UPSERTED, n));
      } else if (address.equals(Addresses.FLUSH)) {
        return Future.succeededFuture(new FlushCounts(2, 10, 7, 3, 0, 12).toJson());
      } else if (address.equals(Addresses.EVICT)) {
        return Future.succeededFuture(Messages.count(Messages.DELETED, 4));
      } else if (address.equals(Addresses.LIST)) {
        // Paged as the UniverseVerticle pages it (one page for a universe of up to
        // Messages.LIST_PAGE_MAX tickers).
        UniverseDocument doc = document();
        UniverseDocument.Page page =
            doc.page(
                body.getString(Messages.AFTER),
                body.getInteger(Messages.LIMIT, Messages.LIST_PAGE_MAX));
        JsonObject reply =
            new JsonObject()
                .put(Messages.COUNT, doc.count())
                .put(Messages.TICKERS, new JsonArray(page.tickers()))
                .put(Messages.ETAG, doc.etag());
        return Future.succeededFuture(
            page.next() == null ? reply : reply.put(Messages.NEXT, page.next()));
      }
      return Future.failedFuture("no behaviour for " + address);
    };
  }

  static final class RawFailure extends RuntimeException {
    final int code;

    RawFailure(int code, String text) {
      super(text, null, false, false);
      this.code = code;
    }
  }

  static final class FailedReply extends RuntimeException {
    final ErrorCode failure;

    FailedReply(ErrorCode failure, String message) {
      super(message, null, false, false);
      this.failure = failure;
    }
  }
}
