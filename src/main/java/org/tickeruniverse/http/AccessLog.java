package org.tickeruniverse.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code access}: method, route, status, duration, bytes sent.
 *
 * <p>Privacy (SPEC §6) decides what is left out: no body, no query string, no header (so no
 * token), no address or user agent. The route is the OpenAPI path template of the matched
 * operation, set by the router ({@link #ROUTE}), never the raw request path — a caller could put
 * a ticker (or a CR/LF) in a path. Unmatched requests log {@code -}.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final String LOGGER = "access";
  /** Routing-context key holding the matched operation's path template. */
  static final String ROUTE = "tu.route";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.TRACE,
      HttpMethod.CONNECT);

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      HttpMethod method = ctx.request().method();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      LOG.info("{} {} {} {}ms {}B",
          KNOWN.contains(method) ? method.name() : "OTHER",
          ctx.get(ROUTE, "-"),
          ar.succeeded() ? ctx.response().getStatusCode() : "aborted",
          millis,
          ctx.response().bytesWritten());
    });
    ctx.next();
  }

  /**
   * Marks the route of the current request for the access log. A {@link PlatformHandler} so
   * that vertx-web lets it run first on the route, before authentication can end the request.
   */
  static PlatformHandler tag(String pathTemplate) {
    return ctx -> {
      ctx.put(ROUTE, pathTemplate);
      ctx.next();
    };
  }
}
