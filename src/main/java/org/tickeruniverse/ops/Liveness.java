package org.tickeruniverse.ops;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/live}: the process answers, nothing more. It asks no store, so a store that is
 * away never gets the process restarted; readiness says what is away.
 */
public final class Liveness implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end("{\"status\":\"UP\"}");
  }
}
