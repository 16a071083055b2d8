package org.tickeruniverse.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import org.tickeruniverse.bus.ErrorCode;

/**
 * At most {@code max} requests in flight per connection; beyond that 503 with Retry-After.
 *
 * <p>Over HTTP/1.1 Vert.x already handles a connection's requests one at a time: pipelined requests
 * wait (and the socket stops being read) until the previous response has ended, so this limit
 * matters for HTTP/2 (h2c), where one connection multiplexes streams. The server also advertises
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS = max}, so a conforming client queues instead of being
 * refused, and Netty's codec refuses the excess of a client that acknowledged the setting and
 * ignores it. But Netty applies the setting only once the client acknowledges it: a client that
 * never sends the SETTINGS ACK is not limited by the codec at all, and this handler is what stops
 * it (LimitsAndShutdownTest shows both halves on the real stack).
 *
 * <p>Confined to the verticle's event loop (a connection never changes loop), hence a plain map.
 */
final class ConnectionLimiter implements Handler<RoutingContext> {

  private final int max;
  private final Map<HttpConnection, Integer> inFlight = new HashMap<>();

  ConnectionLimiter(int max) {
    this.max = max;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.next(); // HTTP/1.x: one request at a time per connection already (see above)
      return;
    }
    HttpConnection connection = ctx.request().connection();
    int now = inFlight.merge(connection, 1, Integer::sum);
    if (now > max) {
      release(connection);
      ctx.fail(
          ApiError.unavailable(
              ErrorCode.OVERLOADED, "too many requests in flight on this connection", 1));
      return;
    }
    // Called when the response ends or the connection closes, whichever comes first.
    ctx.addEndHandler(ar -> release(connection));
    ctx.next();
  }

  private void release(HttpConnection connection) {
    inFlight.computeIfPresent(connection, (c, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections with requests in flight; for tests. */
  int trackedConnections() {
    return inFlight.size();
  }
}
