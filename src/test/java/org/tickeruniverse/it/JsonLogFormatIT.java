package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * {@code --log.format=json} given on the command line (a layer logback cannot see when it
 * configures itself): the service as a process of its own with the shipped logback.xml prints
 * nothing but JSON objects, from start-up through requests (the access log's batching appender
 * included) to an orderly stop.
 */
@RealServers
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JsonLogFormatIT {

  static final HttpClient HTTP = TestHttp.client();

  @Test
  void everyLineOfTheProcessIsAJsonObjectWithLevelLoggerMessageAndTimestamp(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int port = TestConfigs.freePort();
    // The shipped configuration, not the test class path's logback-test.xml.
    String shipped = JsonLogFormatIT.class.getResource("/logback.xml").toString();
    try (NodeProcess node =
        NodeProcess.start(
            Map.of(
                "TU_REDIS_URL",
                redis.url(),
                "TU_MYSQL_URL",
                mysql.url(),
                "TU_AUTH_API_TOKENS",
                TestConfigs.CALLER_TOKEN,
                "TU_AUTH_ADMIN_TOKENS",
                TestConfigs.ADMIN_TOKEN),
            List.of("-Dlogback.configurationFile=" + shipped),
            Duration.ZERO,
            "--log.format=json",
            "--http.port=" + port,
            "--http.host=127.0.0.1")) {
      String base = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .failFast("the node died: " + node.logTail(40), () -> !node.isAlive())
          .until(() -> node.output().stream().anyMatch(l -> l.contains("ticker-universe started")));
      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build()))
          .isEqualTo(200);
      assertThat(
              send(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/tickers/buffer"))
                      .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"JSONLOG.X\"]}"))
                      .build()))
          .isEqualTo(202);
      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/universe")).build()))
          .isEqualTo(401);
      assertThat(node.stop()).isZero();

      List<String> lines = node.output();
      assertThat(lines).as("the process printed something").hasSizeGreaterThan(4);
      for (String line : lines) {
        JsonObject json;
        try {
          json = new JsonObject(line);
        } catch (DecodeException e) {
          throw new AssertionError("not a JSON object: " + line, e);
        }
        assertThat(json.getString("level"))
            .as(line)
            .isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        assertThat(json.getString("loggerName")).as(line).isNotBlank();
        assertThat(json.getString("formattedMessage")).as(line).isNotNull();
        assertThat(json.getLong("timestamp")).as(line).isGreaterThan(1_700_000_000_000L);
      }
      List<String> access =
          lines.stream()
              .map(JsonObject::new)
              .filter(j -> j.getString("loggerName").equals("access"))
              .map(j -> j.getString("formattedMessage"))
              .map(m -> m.replaceAll(" \\d+ms \\d+B$", ""))
              .toList();
      assertThat(access)
          .contains(
              "GET /health/live 200",
              "POST /api/v1/tickers/buffer 202",
              "GET /api/v1/universe 401");
      assertThat(lines)
          .noneMatch(l -> l.contains("JSONLOG") || l.contains(TestConfigs.CALLER_TOKEN));
      assertThat(lines).anyMatch(l -> l.contains("stopped cleanly"));
      System.out.println(
          "[json log] " + lines.size() + " lines, all JSON objects; first: " + lines.get(0));
    }
  }

  private static int send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
