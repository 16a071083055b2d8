package org.tickeruniverse.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * {@code GET /metrics}: the Prometheus scrape of the registry Vert.x was built with. When Vert.x
 * runs without Prometheus metrics (some tests, embedded use), 404 in the uniform error shape
 * rather than the scraping handler's 500 naming a registry class.
 */
final class MetricsHandler implements Handler<RoutingContext> {

  private final Handler<RoutingContext> scrape = PrometheusScrapingHandler.create();

  @Override
  public void handle(RoutingContext ctx) {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry) {
      scrape.handle(ctx);
    } else {
      ctx.fail(ApiError.notFound("metrics are not enabled in this process"));
    }
  }
}
