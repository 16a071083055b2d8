package org.tickeruniverse.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tickeruniverse.Main;
import org.tickeruniverse.Node;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.cluster.HazelcastClusterConfig;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.role.StoreNeeds;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.store.Stores;

/**
 * One node of the service against a test's real servers and a clock the test gives: migrated (when
 * it needs MySQL) and deployed as {@code Main} does, on a Vert.x clustered with the shipped
 * Hazelcast configuration when {@code cluster.enabled}. Several live in one JVM, each with its own
 * Hazelcast instance, joined by one {@link TestConfigs.Cluster}. Tests talk to it over the event
 * bus and HTTP, and look at Redis and MySQL directly.
 */
public final class ServiceHarness implements AutoCloseable {

  private static final HttpClient HTTP = TestHttp.client();

  private final Vertx vertx;
  private final Node node;
  private final ServiceConfig config;
  private final Clock clock;
  private Redis redis;
  private boolean closed;

  private ServiceHarness(Vertx vertx, Node node, ServiceConfig config, Clock clock) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.clock = clock;
  }

  /** A plain Vert.x, or a clustered one without the metrics of {@link #startLikeMain}. */
  public static ServiceHarness start(ServiceConfig config, Clock clock) {
    return start(
        config,
        clock,
        config.cluster().enabled()
            ? Vertx.builder()
                .with(
                    new VertxOptions()
                        .setEventBusOptions(HazelcastClusterConfig.eventBus(config.cluster())))
                .withClusterManager(HazelcastClusterConfig.clusterManager(config.cluster()))
                .buildClustered()
            : Future.succeededFuture(Vertx.vertx()));
  }

  /** Built exactly as {@code Main} builds it, metrics included. */
  public static ServiceHarness startLikeMain(ServiceConfig config, Clock clock) {
    return start(config, clock, Main.buildVertx(config));
  }

  private static ServiceHarness start(ServiceConfig config, Clock clock, Future<Vertx> built) {
    if (StoreNeeds.of(config.node().verticles()).mysql()) {
      Migrations.migrate(config.mysql());
    }
    Vertx vertx = built.timeout(90, TimeUnit.SECONDS).await();
    Node node = new Node(vertx, config, clock);
    try {
      node.deploy().timeout(90, TimeUnit.SECONDS).await();
    } catch (Throwable e) {
      vertx.close();
      throw e;
    }
    return new ServiceHarness(vertx, node, config, clock);
  }

  public Vertx vertx() {
    return vertx;
  }

  public ServiceConfig config() {
    return config;
  }

  /** Base URL of the HTTP edge, e.g. http://127.0.0.1:PORT */
  public String baseUrl() {
    return "http://127.0.0.1:" + config.http().port();
  }

  /** The {@link MutableClock} the node was started on (a cast: a test's own clock otherwise). */
  public MutableClock clock() {
    return (MutableClock) clock;
  }

  public void advance(Duration d) {
    clock().advance(d);
  }

  /** A client of the node's Redis, made on first use (a node may have none). */
  public synchronized RedisAPI redis() {
    if (redis == null) {
      redis = Stores.redis(vertx, config.redis());
    }
    return RedisAPI.api(redis);
  }

  /** The typed client on this node (requests go to whichever node serves the address). */
  public UniverseClient client() {
    return UniverseClient.create(vertx, new DeliveryOptions().setSendTimeout(30_000));
  }

  /** A request over the event bus, awaited; failures surface as ReplyException. */
  public JsonObject request(String address, JsonObject body) {
    return request(address, body, new DeliveryOptions());
  }

  /** This node's own universe snapshot: LIST delivered only to a UniverseVerticle of this node. */
  public JsonObject localList() {
    return request(Addresses.LIST, new JsonObject(), new DeliveryOptions().setLocalOnly(true));
  }

  private JsonObject request(String address, JsonObject body, DeliveryOptions options) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, body, options.setSendTimeout(30_000))
        .timeout(40, TimeUnit.SECONDS)
        .await()
        .body();
  }

  /**
   * An HTTP request with the caller token to the node's HTTP verticle (on a fixed port, see {@link
   * TestConfigs#freePort()}), else its ops port; {@code jsonBody} null for none.
   */
  public HttpResponse<byte[]> http(String method, String path, String jsonBody, String... headers)
      throws Exception {
    int port =
        config.node().runs(VerticleName.HTTP) || config.node().opsPort() == 0
            ? config.http().port()
            : config.node().opsPort();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
            .method(
                method,
                jsonBody == null ? BodyPublishers.noBody() : BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public String bucketKey(Instant at) {
    Buckets buckets = config.buckets(clock);
    return buckets.key(buckets.startOf(at.getEpochSecond()));
  }

  public List<String> members(String key) {
    return redis().smembers(key).timeout(10, TimeUnit.SECONDS).await().stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }

  /** Undeploys in order and leaves the cluster; a failed close must not hide the test's outcome. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (redis != null) {
        redis.close().timeout(10, TimeUnit.SECONDS).await();
      }
      node.shutdown().timeout(60, TimeUnit.SECONDS).await();
    } catch (Exception e) {
      vertx.close();
    }
  }
}
