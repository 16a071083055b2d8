package org.tickeruniverse.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tickeruniverse.Main;
import org.tickeruniverse.Node;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.store.Stores;

/**
 * One node of the service, as {@code Main} builds it, against a test's real servers and a clock the
 * test moves. Tests talk to it over the event bus (the API siblings use) and look at Redis and
 * MySQL directly.
 */
public final class ServiceHarness implements AutoCloseable {

  private final Vertx vertx;
  private final Node node;
  private final ServiceConfig config;
  private final MutableClock clock;
  private final Redis redis;
  private final RedisAPI redisApi;

  private ServiceHarness(Vertx vertx, Node node, ServiceConfig config, MutableClock clock) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.clock = clock;
    this.redis = Stores.redis(vertx, config.redis());
    this.redisApi = RedisAPI.api(redis);
  }

  public static ServiceHarness start(ServiceConfig config, MutableClock clock) {
    return start(config, clock, Vertx.vertx());
  }

  /** Built exactly as {@code Main} builds it, metrics included. */
  public static ServiceHarness startLikeMain(ServiceConfig config, MutableClock clock) {
    return start(config, clock, Main.buildVertx(config).await());
  }

  private static ServiceHarness start(ServiceConfig config, MutableClock clock, Vertx vertx) {
    Migrations.migrate(config.mysql());
    Node node = new Node(vertx, config, clock);
    node.deploy().timeout(60, TimeUnit.SECONDS).await();
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

  public MutableClock clock() {
    return clock;
  }

  public RedisAPI redis() {
    return redisApi;
  }

  /** A request over the event bus, awaited; failures surface as ReplyException. */
  public JsonObject request(String address, JsonObject body) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(30_000))
        .timeout(40, TimeUnit.SECONDS)
        .await()
        .body();
  }

  public String bucketKey(java.time.Instant at) {
    long width = config.buffer().bucketSeconds();
    long start = Math.floorDiv(at.getEpochSecond(), width) * width;
    return config.buffer().keyPrefix() + ":buffer:" + start;
  }

  public List<String> members(String key) {
    return redisApi.smembers(key).timeout(10, TimeUnit.SECONDS).await().stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }

  public void advance(Duration d) {
    clock.advance(d);
  }

  @Override
  public void close() {
    try {
      redis.close().timeout(10, TimeUnit.SECONDS).await();
      node.shutdown().await();
    } catch (Exception e) {
      // a failed close must not hide the test's own outcome
      vertx.close();
    }
  }
}
