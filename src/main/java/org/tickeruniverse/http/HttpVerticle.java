package org.tickeruniverse.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.MetricsHandler;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.ops.Liveness;
import org.tickeruniverse.ops.Readiness;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;

/**
 * The HTTP edge of docs/DESIGN.md#interfaces: validates and authenticates requests and forwards
 * them over the event bus; serves the universe from memory; health, metrics and the OpenAPI
 * document.
 *
 * <p>Deployable with several instances sharing the port. {@link #start()} completes once the server
 * listens; it does not wait for the universe (loaded in the background). {@link #stop()} stops
 * accepting connections and lets in-flight requests finish for up to {@code node.shutdownSeconds}
 * before closing.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  /** Class-path location of the contract; also served at {@code /api/v1/openapi.yaml}. */
  public static final String OPENAPI_RESOURCE = "openapi/ticker-universe.yaml";

  /** Per-check time-out of readiness; a store slower than this is not ready. */
  static final long READINESS_TIMEOUT_MILLIS = 2_000;

  /** A connection idle this long is closed (also bounds a client that stops mid-request). */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  private final ServiceConfig config;
  private Redis redis;
  private Pool pool;
  private UniverseCache universe;
  private Readiness.Needs readinessNeeds;
  private HttpServer server;
  private Router router;

  private final ServiceMetrics metrics;
  private final long universeRefreshMillis;

  public HttpVerticle(ServiceConfig config) {
    this(config, ServiceMetrics.fromVertxBackend());
  }

  public HttpVerticle(ServiceConfig config, ServiceMetrics metrics) {
    this(config, metrics, config.universe().refreshSeconds() * 1000L);
  }

  /**
   * With the universe's safety-refresh period in milliseconds, below the setting's one-second
   * floor: tests of the refresh then need not wait whole seconds.
   */
  HttpVerticle(ServiceConfig config, ServiceMetrics metrics, long universeRefreshMillis) {
    this.config = config;
    this.metrics = metrics;
    this.universeRefreshMillis = universeRefreshMillis;
  }

  long universeRefreshMillis() {
    return universeRefreshMillis;
  }

  @Override
  public Future<?> start() {
    if (config.auth().disabled()) {
      LOG.warn(
          "authentication is DISABLED: every operation is open to anyone who can connect;"
              + " listening on {} only",
          config.http().host());
    }
    // Store clients only for the checks this node's readiness needs (an edge needs neither).
    readinessNeeds = Readiness.Needs.of(config.node(), vertx.isClustered());
    redis = readinessNeeds.redis() ? Stores.redis(vertx, config.redis()) : null;
    pool = readinessNeeds.mysql() ? Stores.mysql(vertx, config.mysql()) : null;
    universe = new UniverseCache(vertx, config.http().busTimeoutMillis(), universeRefreshMillis);

    Future<Buffer> document = vertx.fileSystem().readFile(OPENAPI_RESOURCE);
    Future<OpenAPIContract> contract = OpenAPIContract.from(vertx, OPENAPI_RESOURCE);
    // The universe is subscribed to before listening, but its first load is not awaited: the
    // UniverseVerticle may not be deployed yet (or lives on another node); until then 503.
    return Future.all(document, contract)
        .compose(all -> universe.start())
        .compose(v -> listen(contract.result(), document.result()))
        .onSuccess(s -> LOG.info("HTTP listening on {}:{}", config.http().host(), s.actualPort()));
  }

  private Future<HttpServer> listen(OpenAPIContract contract, Buffer document) {
    ServiceConfig.Auth auth = config.auth();
    BearerTokens tokens =
        auth.disabled()
            ? null
            : new BearerTokens(auth.apiTokens(), auth.proxyTokens(), auth.adminTokens());
    router =
        ApiRouter.build(
            vertx,
            contract,
            handlers(document),
            beforeBody(),
            tokens,
            metrics,
            config.http().bodyLimitBytes());
    server = vertx.createHttpServer(serverOptions(config.http()));
    return server.requestHandler(router).listen();
  }

  /** Name in the node's local map of the one rate limiter its HTTP verticle instances share. */
  static final String RATE_LIMITER_MAP = "ticker-universe.http";

  /**
   * The per-token buffer rate (docs/OPERATIONS.md#per-token-buffer-rate), before the body is read.
   * One limiter per node and settings, shared by the verticle's instances: a caller spread over
   * several event loops still gets the configured rate, not a multiple of it.
   */
  private Map<String, SecurityPolicyHandler> beforeBody() {
    ServiceConfig.Buffer buffer = config.buffer();
    if (buffer.ratePerToken() == 0) {
      return Map.of();
    }
    LocalMap<String, TokenRateLimiter> shared = vertx.sharedData().getLocalMap(RATE_LIMITER_MAP);
    String key = "buffer-rate:" + buffer.ratePerToken() + "/" + buffer.rateBurst();
    TokenRateLimiter fresh =
        new TokenRateLimiter(buffer.ratePerToken(), buffer.rateBurst(), Clock.systemUTC());
    TokenRateLimiter existing = shared.putIfAbsent(key, fresh);
    TokenRateLimiter limiter = existing != null ? existing : fresh;
    SecurityPolicyHandler limit =
        ctx -> {
          byte[] digest = ctx.get(AuthHandler.TOKEN_DIGEST);
          if (digest == null) {
            ctx.next(); // authentication disabled (loopback only): no caller to tell apart
            return;
          }
          TokenRateLimiter.Decision decision = limiter.tryAcquire(digest);
          if (decision.allowed()) {
            ctx.next();
          } else {
            metrics.bufferRateLimited();
            ctx.fail(ApiError.rateLimited(decision.retryAfterSeconds()));
          }
        };
    return Map.of("bufferTickers", limit);
  }

  /** Handlers by OpenAPI operationId. */
  private Map<String, Handler<RoutingContext>> handlers(Buffer document) {
    BusEndpoints bus =
        new BusEndpoints(
            vertx.eventBus(),
            config.http().busTimeoutMillis(),
            config.http().adminTimeoutMillis(),
            config.buffer().maxTickers(),
            config.auth().disabled());
    Map<String, Handler<RoutingContext>> h = new HashMap<>();
    h.put("bufferTickers", bus.buffer());
    h.put("refreshTickers", bus.tickers(Addresses.REFRESH, 200, Messages.UPDATED));
    h.put("upsertTickers", bus.tickers(Addresses.UPSERT, 200, Messages.UPSERTED));
    h.put("getUniverse", new UniverseHandler(universe));
    h.put("adminFlush", bus.command(Addresses.FLUSH));
    h.put("adminEvict", bus.command(Addresses.EVICT));
    h.put(
        "getOpenApi",
        ctx ->
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(document));
    ApiDocs docs = new ApiDocs(vertx);
    h.put("getApiDocs", docs.page());
    h.put("getApiDocsAsset", docs.asset());
    h.put("healthLive", new Liveness());
    h.put(
        "healthReady",
        HealthCheckHandler.createWithHealthChecks(
            Readiness.checks(
                vertx,
                readinessNeeds,
                redis,
                pool == null
                    ? null
                    : new UniverseRepository(pool, config.mysql().queryTimeoutMillis()),
                () -> universe.current() != null,
                READINESS_TIMEOUT_MILLIS)));
    h.put("getMetrics", new MetricsHandler());
    return h;
  }

  static HttpServerOptions serverOptions(ServiceConfig.Http http) {
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        // Netty's defaults, stated: a request line or header block past these is refused
        // (414/431) before any handler runs.
        .setMaxInitialLineLength(4096)
        .setMaxHeaderSize(8192)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        // No on-the-fly compression: the only large answer (the universe) is gzipped once, and
        // no request decompression, so a small gzip bomb cannot expand past the body limit.
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        // HTTP/1.1 only: no cleartext HTTP/2, neither h2c upgrade nor prior knowledge (and no
        // TLS, so no HTTP/2 at all). Vert.x 5.0.7 sometimes garbles the frames of an answer over
        // 16 KB on the stream of an h2c upgrade, which Java's default HttpClient asks for on its
        // first request to a host: the client then waits for the idle time-out
        // (docs/DESIGN.md#http-11-only; the ops port does the same).
        .setHttp2ClearTextEnabled(false);
  }

  /** The router serving requests; for tests comparing its routes with the document. */
  Router router() {
    return router;
  }

  /** The port actually bound (useful with port 0), or -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(config.node().shutdownSeconds(), TimeUnit.SECONDS);
    return drained
        .eventually(() -> universe == null ? Future.succeededFuture() : universe.stop())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
