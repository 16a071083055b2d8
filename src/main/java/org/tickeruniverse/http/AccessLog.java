package org.tickeruniverse.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.metrics.ServiceMetrics;

/**
 * Records every request when its response ends: one line on the logger {@code access} (method,
 * route, status, duration, bytes sent) and the route's request meter ({@link RouteMeters}).
 *
 * <p>Privacy (docs/DESIGN.md#privacy-rules) decides what is left out: no body, no query string, no
 * header (so no token), no address or user agent. The route is the OpenAPI path template of the
 * matched operation, set by the router ({@link #tag}), never the raw request path — a caller could
 * put a ticker (or a CR/LF) in a path. Unmatched requests log {@code -}.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final String LOGGER = "access";
  private static final String ROUTE = "tu.route";
  private static final String UNMATCHED = "-";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Set<HttpMethod> KNOWN =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.DELETE,
          HttpMethod.PATCH,
          HttpMethod.OPTIONS,
          HttpMethod.TRACE,
          HttpMethod.CONNECT);

  /** A matched operation: its path template and its meter. */
  private record Route(String template, RouteMeters meters) {}

  private final ServiceMetrics metrics;

  /** Meters of requests that matched no route, by method name; built up front, read-only after. */
  private final Map<String, RouteMeters> unmatched = new HashMap<>();

  AccessLog(ServiceMetrics metrics) {
    this.metrics = metrics;
    for (HttpMethod m : KNOWN) {
      unmatched.put(m.name(), new RouteMeters(metrics.registry(), m.name(), UNMATCHED));
    }
    unmatched.put("OTHER", new RouteMeters(metrics.registry(), "OTHER", UNMATCHED));
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(
        ar -> {
          long nanos = System.nanoTime() - start;
          HttpMethod method = ctx.request().method();
          String methodName = KNOWN.contains(method) ? method.name() : "OTHER";
          Route route = ctx.get(ROUTE);
          RouteMeters meters = route != null ? route.meters() : unmatched.get(methodName);
          int status = ctx.response().getStatusCode();
          // A request upgraded to HTTP/2 (h2c) reported its end as a failure once the HTTP/1
          // connection was handed over, though the response was sent. The server no longer
          // upgrades (docs/DESIGN.md#http-11-only); kept so an answer sent still counts as one.
          boolean completed = ar.succeeded() || ctx.response().ended();
          if (completed) {
            meters.completed(status, nanos);
          } else {
            meters.aborted(nanos);
          }
          LOG.info(
              "{} {} {} {}ms {}B",
              methodName,
              route != null ? route.template() : UNMATCHED,
              completed ? status : "aborted",
              TimeUnit.NANOSECONDS.toMillis(nanos),
              ctx.response().bytesWritten());
        });
    ctx.next();
  }

  /**
   * Marks the route of the current request for the access log and its meter. A {@link
   * PlatformHandler} so that vertx-web lets it run first on the route, before authentication can
   * end the request.
   */
  PlatformHandler tag(HttpMethod method, String pathTemplate) {
    Route route =
        new Route(pathTemplate, new RouteMeters(metrics.registry(), method.name(), pathTemplate));
    return ctx -> {
      ctx.put(ROUTE, route);
      ctx.next();
    };
  }
}
