package org.tickeruniverse.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.MetricsHandler;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * The internal port {@code node.opsPort}, without authentication: {@code /metrics} for a scrape
 * from inside the deployment (on the API port it needs an admin token, docs/PRIVACY.md), and on a
 * node that runs no HTTP verticle (a buffer/flush/evict worker) also {@code /health/live} and
 * {@code /health/ready} with the checks its own verticles need. A node that runs {@code http} keeps
 * its probes on the API port, whose readiness knows the universe snapshot (docs/OPERATIONS.md).
 */
public final class OpsServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServerVerticle.class);
  private static final long READINESS_TIMEOUT_MILLIS = 2_000;

  private Redis redis;
  private Pool pool;
  private HttpServer server;
  private final ServiceConfig config;

  public OpsServerVerticle(ServiceConfig config) {
    this.config = config;
  }

  /** Whether a node with this configuration serves the ops routes on a port of their own. */
  public static boolean wanted(ServiceConfig config) {
    return config.node().opsPort() > 0;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(new MetricsHandler());
    if (!config.node().runs(VerticleName.HTTP)) {
      probes(config, router);
    }
    // HTTP/1.1 only, as the API port: Vert.x 5.0.7 can corrupt an answer over 16 KB (a scrape is
    // larger) after an h2c upgrade (docs/DESIGN.md#http-11-only, HttpVerticle#serverOptions).
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false));
    return server
        .requestHandler(router)
        .listen(config.node().opsPort(), config.http().host())
        .onSuccess(
            s ->
                LOG.info(
                    "ops routes ({}) listening on {}:{}",
                    config.node().runs(VerticleName.HTTP) ? "metrics" : "health, metrics",
                    config.http().host(),
                    s.actualPort()));
  }

  private void probes(ServiceConfig config, Router router) {
    Readiness.Needs needs = Readiness.Needs.of(config.node(), vertx.isClustered());
    redis = needs.redis() ? Stores.redis(vertx, config.redis()) : null;
    pool = needs.mysql() ? Stores.mysql(vertx, config.mysql()) : null;
    router.get("/health/live").handler(new Liveness());
    router
        .get("/health/ready")
        .handler(
            HealthCheckHandler.createWithHealthChecks(
                Readiness.checks(
                    vertx,
                    needs,
                    redis,
                    pool == null ? null : new UniverseRepository(pool),
                    () -> true,
                    READINESS_TIMEOUT_MILLIS)));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
