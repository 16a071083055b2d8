package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/** Health and metrics of a node built as Main builds it, against real servers that come and go. */
@RealServers
class OperationsIT {

  static ServiceHarness service;
  static int opsPort;
  static RedisServer redis;
  static MariaDbServer mysql;

  /**
   * A default client, which asks for the h2c upgrade: both ports speak HTTP/1.1 only and must
   * answer it whole (an upgraded scrape once hung, docs/DESIGN.md#http-11-only).
   */
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One sample line of the Prometheus text format: name, optional labels, value. */
  static final Pattern SAMPLE =
      Pattern.compile(
          "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
              + "(-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?$");

  @BeforeAll
  static void start(RedisServer redisServer, MariaDbServer mariadb) {
    redis = redisServer;
    mysql = mariadb;
    opsPort = TestConfigs.freePort();
    service =
        ServiceHarness.startLikeMain(
            TestConfigs.forServers(redis, mysql, "--node.opsPort=" + opsPort),
            MutableClock.at("2026-11-24T10:01:00Z"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return get(URI.create(service.baseUrl() + path), null);
  }

  static HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** /metrics as Prometheus scrapes the API port: with an admin token. */
  static HttpResponse<String> scrape() throws Exception {
    return get(URI.create(service.baseUrl() + "/metrics"), TestConfigs.ADMIN_TOKEN);
  }

  @Test
  void metricsNeedAnAdminTokenOnTheApiPortAndNoneOnTheOpsPort() throws Exception {
    // The buffer meters move with every upload: a public scrape would publish the upload timeline.
    assertThat(get("/metrics").statusCode()).isEqualTo(401);
    assertThat(
            get(URI.create(service.baseUrl() + "/metrics"), TestConfigs.CALLER_TOKEN).statusCode())
        .isEqualTo(403);
    assertThat(scrape().statusCode()).isEqualTo(200);
    HttpResponse<String> internal =
        get(URI.create("http://127.0.0.1:" + opsPort + "/metrics"), null);
    assertThat(internal.statusCode()).isEqualTo(200);
    assertThat(internal.body()).contains("tu_buffer_requests_total");
    // On a node that runs http the probes stay on the API port, where readiness knows the universe.
    assertThat(get(URI.create("http://127.0.0.1:" + opsPort + "/health/ready"), null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void readinessFollowsRedisAndMysqlDownAndBackUp() throws Exception {
    Assumptions.assumeTrue(
        redis.controllable() && mysql.controllable(), "needs servers the test can stop");
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/health/ready").statusCode() == 200);
    // A node running every verticle lists every check it depends on, each with its state.
    JsonObject ready = new JsonObject(get("/health/ready").body());
    assertThat(ready.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("redis", "mysql", "universe", "snapshot");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> storeUp("redis") == 1 && storeUp("mysql") == 1);

    redis.stop();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> get("/health/ready").statusCode() == 503);
      assertThat(get("/health/live").statusCode()).isEqualTo(200);
      assertThat(check(get("/health/ready"), "redis")).isEqualTo("DOWN");
      assertThat(check(get("/health/ready"), "mysql")).isEqualTo("UP");
      // The periodic store check sets the gauge the alert rules read, without any probe.
      await().atMost(Duration.ofSeconds(20)).until(() -> storeUp("redis") == 0);
      assertThat(storeUp("mysql")).isEqualTo(1);
    } finally {
      redis.start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/health/ready").statusCode() == 200);
    await().atMost(Duration.ofSeconds(20)).until(() -> storeUp("redis") == 1);

    mysql.stop();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> get("/health/ready").statusCode() == 503);
      assertThat(check(get("/health/ready"), "mysql")).isEqualTo("DOWN");
      await().atMost(Duration.ofSeconds(20)).until(() -> storeUp("mysql") == 0);
    } finally {
      mysql.start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/health/ready").statusCode() == 200);
    await().atMost(Duration.ofSeconds(20)).until(() -> storeUp("mysql") == 1);
  }

  /** The state of one check in a readiness answer. */
  static String check(HttpResponse<String> ready, String id) {
    return new JsonObject(ready.body())
        .getJsonArray("checks").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("id").equals(id))
            .map(c -> c.getString("status"))
            .findFirst()
            .orElse("absent");
  }

  /** {@code tu_store_up{store=…}} from /metrics; -1 while the gauge is absent. */
  static int storeUp(String store) throws Exception {
    String prefix = "tu_store_up{store=\"" + store + "\"} ";
    return scrape()
        .body()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(-1);
  }

  @Test
  void metricsAreValidPrometheusTextWithJvmHttpPoolAndServiceMeters() throws Exception {
    // some traffic first, so that HTTP and service meters exist
    HTTP.send(
        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/tickers/buffer"))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"AAPL\"]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = scrape();
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    List<String> samples =
        metrics.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertThat(samples).isNotEmpty().allSatisfy(line -> assertThat(line).matches(SAMPLE));
    assertThat(metrics.body().lines().filter(l -> l.startsWith("# TYPE ")))
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)"));
    assertThat(metrics.body())
        .contains("jvm_memory_used_bytes")
        .contains(
            "tu_http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/tickers/buffer\",status=\"202\"} 1\n")
        .doesNotContain("vertx_http_server") // replaced by the per-route meters above (see Main)
        .contains("vertx_pool_")
        .contains("tu_buffer_requests_total")
        .doesNotContain("AAPL")
        .doesNotContain(TestConfigs.CALLER_TOKEN);
  }
}
