package org.tickeruniverse.it.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * A service process of the fault suite ({@link NodeProcess}: {@code java @conf/jvm.options …
 * Main}), configured by environment as in production, plus the few HTTP calls the scenarios make.
 * Restartable on the same port and settings, as an operator would.
 */
final class Service implements AutoCloseable {

  static final String CALLER = "fault-caller-token-0123456789";
  static final String ADMIN = "fault-admin-token-0123456789a";

  /** Every HTTP call of the suite gives up after this: a hang is a failure, never a stuck build. */
  static final Duration CALL_LIMIT = Duration.ofSeconds(30);

  private final Map<String, String> env;
  private final Duration clockOffset;
  private final int port;
  // HTTP/1.1 like the browsers' fetches through a proxy; one connection per calling thread.
  private final HttpClient http = TestHttp.client();
  private NodeProcess process;

  private Service(Map<String, String> env, Duration clockOffset, int port) {
    this.env = env;
    this.clockOffset = clockOffset;
    this.port = port;
  }

  /** Starts and waits until {@code /health/live} answers. {@code settings}: TU_* overrides. */
  static Service start(String redisUrl, String mysqlUrl, Map<String, String> settings)
      throws Exception {
    return start(redisUrl, mysqlUrl, settings, Duration.ZERO);
  }

  /** With the node's wall clock shifted by {@code clockOffset} ({@link NodeProcess}). */
  static Service start(
      String redisUrl, String mysqlUrl, Map<String, String> settings, Duration clockOffset)
      throws Exception {
    int port = TestConfigs.freePort();
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "TU_REDIS_URL",
                redisUrl,
                "TU_MYSQL_URL",
                mysqlUrl,
                "TU_HTTP_HOST",
                "127.0.0.1",
                "TU_HTTP_PORT",
                Integer.toString(port),
                "TU_AUTH_API_TOKENS",
                CALLER,
                "TU_AUTH_ADMIN_TOKENS",
                ADMIN));
    // One token for every uploader on purpose: the per-token rate is off unless a scenario sets it.
    env.put(TestConfigs.RATE_OFF_ENV, "0");
    env.putAll(settings);
    Service s = new Service(env, clockOffset, port);
    s.launch();
    return s;
  }

  void launch() throws IOException {
    process = NodeProcess.start(env, List.of(), clockOffset);
    NodeProcess p = process;
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .failFast("the service died: " + p.logTail(40), () -> !p.isAlive())
        .ignoreExceptions()
        .until(() -> get("/health/live").statusCode() == 200);
  }

  /** SIGKILL: no shutdown hook, no lease release. {@link #launch()} starts it again. */
  void kill() throws InterruptedException {
    process.kill();
  }

  /** SIGKILL, then the same command again (same port, settings and stores). */
  void killAndRestart() throws Exception {
    process.kill();
    launch();
  }

  NodeProcess process() {
    return process;
  }

  int port() {
    return port;
  }

  HttpResponse<String> buffer(String... tickers) throws IOException, InterruptedException {
    return post(
        "/api/v1/tickers/buffer",
        CALLER,
        "{\"tickers\":[\"" + String.join("\",\"", tickers) + "\"]}");
  }

  HttpResponse<String> flush() throws IOException, InterruptedException {
    return post("/api/v1/admin/flush", ADMIN, null);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(request(path, CALLER).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(CALL_LIMIT)
        .header("Authorization", "Bearer " + token);
  }

  String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
