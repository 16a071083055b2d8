package org.tickeruniverse.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.VerticleName;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Probes and scrapes for a node that runs no HTTP verticle (a buffer/flush/evict worker): {@code
 * /health/live}, {@code /health/ready} (the checks its own verticles need) and {@code /metrics} on
 * {@code node.opsPort}, without authentication, like the same routes of the API port. Deployed only
 * when that port is set and the node does not run {@code http}, whose port already serves these
 * routes (docs/OPERATIONS.md).
 */
public final class OpsServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServerVerticle.class);
  private static final long READINESS_TIMEOUT_MILLIS = 2_000;

  private Redis redis;
  private Pool pool;
  private HttpServer server;

  /** Whether a node with this configuration serves the ops routes on a port of their own. */
  public static boolean wanted(ServiceConfig config) {
    return config.node().opsPort() > 0 && !config.node().runs(VerticleName.HTTP);
  }

  @Override
  public Future<?> start() {
    ServiceConfig config = ServiceConfig.fromJson(config());
    Readiness.Needs needs = Readiness.Needs.of(config.node(), vertx.isClustered());
    redis = needs.redis() ? Stores.redis(vertx, config.redis()) : null;
    pool = needs.mysql() ? Stores.mysql(vertx, config.mysql()) : null;
    Router router = Router.router(vertx);
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
    router.get("/metrics").handler(new MetricsHandler());
    server = vertx.createHttpServer();
    return server
        .requestHandler(router)
        .listen(config.node().opsPort(), config.http().host())
        .onSuccess(
            s ->
                LOG.info(
                    "ops routes (health, metrics) listening on {}:{}",
                    config.http().host(),
                    s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
