package org.tickeruniverse.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meter of one HTTP route and method: {@code tu_http_server_requests_seconds} with the
 * labels {@code method}, {@code route} (the OpenAPI path template, or {@code -} for requests that
 * matched no route) and {@code status} — never a raw path, so no ticker can become a label.
 *
 * <p>Each status's timer is looked up in the registry once and kept; Vert.x's own HTTP server
 * metrics look three meters up by name and tags on every response, which cost a measurable share of
 * a buffer request (docs/PERFORMANCE.md#request-meters-resolved-once-per-route).
 */
public final class RouteMeters {

  static final String NAME = "tu_http_server_requests";
  private static final int ABORTED = 0;

  private final MeterRegistry registry;
  private final String method;
  private final String route;

  /** Index = status code (100–599); 0 = the response never completed. */
  private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(600);

  RouteMeters(MeterRegistry registry, String method, String route) {
    this.registry = registry;
    this.method = method;
    this.route = route;
  }

  /** A response with {@code status} (codes outside 100–599 count as 599) after {@code nanos}. */
  public void completed(int status, long nanos) {
    timer(status < 100 || status > 599 ? 599 : status).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The connection closed before the response ended. */
  public void aborted(long nanos) {
    timer(ABORTED).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(int index) {
    Timer timer = timers.get(index);
    if (timer == null) {
      // Registering is idempotent: two event loops racing here get the same timer.
      timer =
          Timer.builder(NAME)
              .description("HTTP requests served, by route template, method and status")
              .tags(
                  "method",
                  method,
                  "route",
                  route,
                  "status",
                  index == ABORTED ? "aborted" : Integer.toString(index))
              .register(registry);
      timers.set(index, timer);
    }
    return timer;
  }
}
