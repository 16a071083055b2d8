package org.tickeruniverse.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import org.tickeruniverse.bus.ErrorCode;

/**
 * {@code GET /metrics}: the Prometheus scrape of the registry Vert.x was built with. When Vert.x
 * runs without Prometheus metrics (some tests, embedded use), 404 in the uniform error shape rather
 * than the scraping handler's 500 naming a registry class.
 */
public final class MetricsHandler implements Handler<RoutingContext> {

  private final Handler<RoutingContext> scrape = PrometheusScrapingHandler.create();

  @Override
  public void handle(RoutingContext ctx) {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry) {
      scrape.handle(ctx);
    } else {
      // Answered here rather than through the API's failure handler, so the ops port of a worker
      // (which has none) gives the same uniform error shape.
      ctx.response()
          .setStatusCode(ErrorCode.NOT_FOUND.code())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
          .end(
              new JsonObject()
                  .put(
                      "error",
                      new JsonObject(
                          ErrorCode.NOT_FOUND.body("metrics are not enabled in this process")))
                  .encode());
    }
  }
}
