package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.http.TestServer.CALLER;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.testsupport.SharedVertx;

/** Per-connection concurrency, header limits, graceful drain on undeploy, metrics. */
class LimitsAndShutdownTest {

  static final String BODY = "{\"tickers\":[\"AAPL\"]}";

  /**
   * One Vert.x for the tests that need no metrics: each deploys its own server and stand-ins and
   * removes them again, so they share nothing but the event loops.
   */
  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();

  static final Vertx vertx = VERTX.vertx();

  /**
   * No HTTP/2 at all (docs/DESIGN.md#http-11-only): a client with prior knowledge gets no answer
   * (the HTTP/1.1 codec refuses its preface), and a client asking for the h2c upgrade is answered
   * over HTTP/1.1 (DefaultJavaClientTest).
   */
  @Test
  void aPriorKnowledgeHttp2ClientIsNotServed() {
    try (TestServer server = TestServer.start(vertx, Map.of())) {
      HttpClient h2 =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(false));
      Future<Integer> answer =
          h2.request(
                  new RequestOptions()
                      .setMethod(HttpMethod.GET)
                      .setPort(server.port())
                      .setHost("127.0.0.1")
                      .setURI("/health/live"))
              .compose(req -> req.send())
              .map(HttpClientResponse::statusCode);
      await().atMost(Duration.ofSeconds(10)).until(answer::isComplete);
      assertThat(answer.failed()).as("answered over HTTP/2: " + answer.result()).isTrue();
      h2.close().await();
    }
  }

  @Test
  void http11PipelinedRequestsAreServedOneAtATime() {
    try (TestServer server = TestServer.start(vertx, Map.of())) {
      Promise<Void> gate = Promise.promise();
      server.standIns.override(
          Addresses.BUFFER,
          StandIns.answerAfter(
              gate.future(),
              msg ->
                  Future.succeededFuture(new io.vertx.core.json.JsonObject().put("buffered", 1))));
      NetClient net = vertx.createNetClient();
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer);
      String one =
          "POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + CALLER
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + BODY.length()
              + "\r\n\r\n"
              + BODY;
      socket.write(one.repeat(5)).await();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.standIns.count(Addresses.BUFFER) == 1);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> server.standIns.count(Addresses.BUFFER) == 1);
      gate.complete();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  received.toString(StandardCharsets.ISO_8859_1).split("HTTP/1.1 202", -1).length
                          - 1
                      == 5);
      assertThat(server.standIns.maxInFlight()).isEqualTo(1);
      socket.close().await();
      net.close().await();
    }
  }

  @Test
  void unreadBodyOnABodylessOperationDoesNotStallTheConnection() {
    try (TestServer server = TestServer.start(vertx, Map.of())) {
      NetClient net = vertx.createNetClient();
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer);
      String body = "x".repeat(200_000);
      socket
          .write(
              "POST /api/v1/admin/flush HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + TestServer.ADMIN
                  + "\r\nContent-Type: text/plain\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body
                  + "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
          .await();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                String text = received.toString(StandardCharsets.ISO_8859_1);
                return text.contains("\"inserted\"") && text.contains("{\"status\":\"UP\"}");
              });
      socket.close().await();
      net.close().await();
    }
  }

  @Test
  void severalInstancesShareThePort() {
    StandIns standIns = new StandIns(vertx).registerAll();
    String id = null;
    try {
      var config =
          org.tickeruniverse.config.ConfigLoader.load(
              List.of(),
              TestServer.env(
                  Map.of(
                      "TU_HTTP_PORT",
                      String.valueOf(TestServer.closedPort()),
                      "TU_HTTP_INSTANCES",
                      "3")));
      id =
          vertx
              .deployVerticle(
                  () -> new HttpVerticle(config),
                  new io.vertx.core.DeploymentOptions().setInstances(config.http().instances()))
              .await();
      // Fresh connections land on different instances; each holds its own copy of the universe,
      // and every copy answers the same bytes.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                java.util.Set<String> bodies = new java.util.HashSet<>();
                for (int i = 0; i < 9; i++) {
                  java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
                  HttpResponse<String> r =
                      client.send(
                          java.net.http.HttpRequest.newBuilder(
                                  java.net.URI.create(
                                      "http://127.0.0.1:"
                                          + config.http().port()
                                          + "/api/v1/universe"))
                              .header("Authorization", "Bearer " + CALLER)
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  assertThat(r.statusCode()).isEqualTo(200);
                  bodies.add(r.body());
                }
                assertThat(bodies).hasSize(1);
              });
    } finally {
      if (id != null) {
        vertx.undeploy(id).await();
      }
      standIns.unregisterAll();
    }
  }

  @Test
  void oversizedRequestLineAndHeadersAreRefusedBeforeRouting() {
    try (TestServer server = TestServer.start(vertx, Map.of())) {
      HttpResponse<byte[]> longLine = server.get("/api/v1/universe?" + "q".repeat(5000), CALLER);
      assertThat(longLine.statusCode()).isEqualTo(414);
      HttpResponse<byte[]> bigHeader =
          server.get("/api/v1/universe", CALLER, "X-Filler", "f".repeat(9000));
      assertThat(bigHeader.statusCode()).isEqualTo(431);
      assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void undeployLetsInFlightRequestsFinish() {
    TestServer server = TestServer.start(vertx, Map.of("TU_NODE_SHUTDOWN_SECONDS", "10"));
    try {
      Promise<Void> gate = Promise.promise();
      server.standIns.override(
          Addresses.BUFFER,
          StandIns.answerAfter(
              gate.future(),
              msg ->
                  Future.succeededFuture(new io.vertx.core.json.JsonObject().put("buffered", 1))));
      CompletableFuture<HttpResponse<byte[]>> inFlight =
          server.client.sendAsync(
              server
                  .request("/api/v1/tickers/buffer", CALLER)
                  .header("Content-Type", "application/json")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(BODY))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.standIns.count(Addresses.BUFFER) == 1);

      Future<Void> undeployed = vertx.undeploy(server.deploymentId);
      // Draining: the undeploy waits for the request.
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> !undeployed.isComplete());
      gate.complete();
      HttpResponse<byte[]> response = inFlight.join();
      assertThat(response.statusCode()).isEqualTo(202);
      undeployed.await();
    } finally {
      if (vertx.deploymentIDs().contains(server.deploymentId)) {
        vertx.undeploy(server.deploymentId).await();
      }
      server.standIns.unregisterAll();
    }
  }

  @Test
  void metricsAreServedWhenVertxHasPrometheus() {
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(
                        new MicrometerMetricsOptions()
                            .setEnabled(true)
                            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
            .build();
    try (TestServer server = TestServer.start(vertx, Map.of())) {
      server.post("/api/v1/tickers/buffer", CALLER, BODY);
      HttpResponse<byte[]> r = server.get("/metrics", TestServer.ADMIN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type"))
          .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
      String text = Answers.text(r);
      assertThat(text)
          .contains("# TYPE")
          .contains(
              "tu_http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/tickers/buffer\"");
      // Privacy: no ticker or token in any metric name or label.
      assertThat(text).doesNotContain("AAPL").doesNotContain(CALLER);
    } finally {
      vertx.close().await();
    }
  }

  private static Future<Integer> post(HttpClient client, int port) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/api/v1/tickers/buffer")
                .addHeader("Authorization", "Bearer " + CALLER)
                .addHeader("Content-Type", "application/json"))
        .compose(req -> req.send(BODY))
        .map(HttpClientResponse::statusCode);
  }
}
