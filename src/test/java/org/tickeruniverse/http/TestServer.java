package org.tickeruniverse.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * One deployed {@link HttpVerticle} on a free port, with stand-in consumers, Redis and MySQL URLs
 * on closed ports, and a blocking HTTP/1.1 client. Used from test threads only (never the event
 * loop), so {@code Future.await()} is fine.
 */
final class TestServer implements AutoCloseable {

  static final String CALLER = "caller-token-0123456789abcdef";
  static final String CALLER_2 = "caller-token-fedcba9876543210";
  static final String ADMIN = "admin-token-0123456789abcdef00";
  static final String PROXY = "proxy-token-0123456789abcdef00";
  static final String WRONG = "wrong-token-0123456789abcdef00";

  final Vertx vertx;
  final StandIns standIns;
  final HttpVerticle verticle;
  final ServiceConfig config;
  final String deploymentId;
  final HttpClient client = TestHttp.client();

  private TestServer(
      Vertx vertx, StandIns standIns, HttpVerticle verticle, ServiceConfig config, String id) {
    this.vertx = vertx;
    this.standIns = standIns;
    this.verticle = verticle;
    this.config = config;
    this.deploymentId = id;
  }

  /** Environment-style settings every test server uses; {@code overrides} win. */
  static Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("TU_HTTP_PORT", "0");
    env.put("TU_HTTP_HOST", "127.0.0.1");
    env.put("TU_AUTH_API_TOKENS", CALLER + "," + CALLER_2);
    env.put("TU_AUTH_ADMIN_TOKENS", ADMIN);
    env.put("TU_AUTH_PROXY_TOKENS", PROXY);
    env.put("TU_REDIS_URL", "redis://127.0.0.1:" + closedPort());
    env.put("TU_MYSQL_URL", "mysql://root@127.0.0.1:" + closedPort() + "/ticker_universe");
    env.put("TU_UNIVERSE_REFRESH_SECONDS", "3600");
    env.put("TU_NODE_SHUTDOWN_SECONDS", "5");
    env.put("TU_PRIVACY_PROFILE", TestConfigs.BASELINE_PROFILE);
    env.put(org.tickeruniverse.testsupport.TestConfigs.RATE_OFF_ENV, "0"); // see there
    env.putAll(overrides);
    return env;
  }

  static TestServer start(Vertx vertx, Map<String, String> overrides) {
    return start(vertx, overrides, true);
  }

  static TestServer start(Vertx vertx, Map<String, String> overrides, boolean withStandIns) {
    return start(vertx, overrides, withStandIns, null, null);
  }

  /** With stand-ins whose LIST answers {@code universe}, registered before the verticle starts. */
  static TestServer start(Vertx vertx, Map<String, String> overrides, List<String> universe) {
    return start(vertx, overrides, true, universe, null);
  }

  /**
   * As {@link #start(Vertx, Map, List)}, with the universe's safety refresh every {@code
   * refreshMillis} instead of the setting's whole seconds.
   */
  static TestServer start(
      Vertx vertx, Map<String, String> overrides, List<String> universe, long refreshMillis) {
    return start(vertx, overrides, true, universe, refreshMillis);
  }

  private static TestServer start(
      Vertx vertx,
      Map<String, String> overrides,
      boolean withStandIns,
      List<String> universe,
      Long refreshMillis) {
    ServiceConfig config = ConfigLoader.load(List.of(), env(overrides));
    StandIns standIns = new StandIns(vertx);
    if (universe != null) {
      standIns.universe(universe);
    }
    if (withStandIns) {
      standIns.registerAll();
    }
    HttpVerticle verticle =
        refreshMillis == null
            ? new HttpVerticle(config)
            : new HttpVerticle(config, ServiceMetrics.fromVertxBackend(), refreshMillis);
    String id = vertx.deployVerticle(verticle, new DeploymentOptions()).await();
    return new TestServer(vertx, standIns, verticle, config, id);
  }

  /** A port nothing listens on: bound and released at once. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return verticle.actualPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpResponse<byte[]> get(String path, String token, String... headers) {
    return send(request(path, token, headers).GET().build());
  }

  HttpResponse<byte[]> post(String path, String token, String json) {
    return postRaw(
        path,
        token,
        "application/json",
        json == null ? new byte[0] : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  HttpResponse<byte[]> postRaw(
      String path, String token, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = request(path, token, headers);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  HttpResponse<byte[]> method(String method, String path, String token) {
    return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  HttpRequest.Builder request(String path, String token, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.undeploy(deploymentId).await();
    standIns.unregisterAll();
  }
}
