package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tickeruniverse.testsupport.ClusterCerts;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * The encrypted, authenticated event bus (docs/CLUSTER.md#encrypted-event-bus) with three real
 * service processes ({@code java … Main}, configured by environment variables as in production) in
 * one Hazelcast cluster:
 *
 * <ul>
 *   <li>A: {@code http} only, certificate of the cluster's CA;
 *   <li>B: {@code buffer}, certificate of the cluster's CA;
 *   <li>R, the rogue: {@code buffer} too — a consumer on the buffer address — with a certificate of
 *       a foreign CA (and that CA as its trust), writing under a key prefix of its own.
 * </ul>
 *
 * R joins Hazelcast (its membership protocol has no TLS) and its consumer is registered, so A's
 * event bus sends it every other buffer request; each such send fails the TLS handshake and is
 * never delivered: R buffers nothing, and the caller gets 503 after the bus time-out. Everything B
 * received is in Redis. Once R leaves, every request succeeds.
 */
@RealServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterTlsIT {

  static final long BUS_TIMEOUT_MILLIS = 2000;
  static final HttpClient HTTP = TestHttp.client();
  static final Pattern BUFFERED =
      Pattern.compile("(?m)^tu_buffer_requests_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");

  @Test
  void onlyNodesWithACertificateOfTheClusterCaReceiveBusMessages(
      RedisServer redis, MariaDbServer mysql, @TempDir Path dir) throws Exception {
    long began = System.nanoTime();
    redis.flushAll();
    ClusterCerts ours = ClusterCerts.make(dir.resolve("cluster-ca"), "a", "b");
    ClusterCerts foreign = ClusterCerts.make(dir.resolve("foreign-ca"), "rogue");
    TestConfigs.Cluster cluster = TestConfigs.Cluster.create();
    int httpPort = TestConfigs.freePort();
    int bOps = TestConfigs.freePort();
    int rogueOps = TestConfigs.freePort();

    Map<String, String> b = node(cluster, redis, mysql, ours.env("b"));
    b.putAll(Map.of("TU_NODE_VERTICLES", "buffer", "TU_NODE_OPS_PORT", String.valueOf(bOps)));
    Map<String, String> rogue = node(cluster, redis, mysql, foreign.env("rogue"));
    rogue.putAll(
        Map.of(
            "TU_NODE_VERTICLES",
            "buffer",
            "TU_NODE_OPS_PORT",
            String.valueOf(rogueOps),
            "TU_BUFFER_KEY_PREFIX",
            "rogue"));
    Map<String, String> a = node(cluster, redis, mysql, ours.env("a"));
    a.putAll(
        Map.of(
            "TU_NODE_VERTICLES",
            "http",
            "TU_HTTP_PORT",
            String.valueOf(httpPort),
            "TU_AUTH_API_TOKENS",
            TestConfigs.CALLER_TOKEN,
            "TU_HTTP_BUS_TIMEOUT_MILLIS",
            String.valueOf(BUS_TIMEOUT_MILLIS)));

    try (NodeProcess nodeB = NodeProcess.start(b);
        NodeProcess nodeR = NodeProcess.start(rogue);
        NodeProcess nodeA = NodeProcess.start(a)) {
      try {
        exchange(redis, nodeA, nodeB, nodeR, httpPort, bOps, rogueOps, began);
      } catch (Throwable e) {
        Map<String, NodeProcess> nodes = Map.of("A", nodeA, "B", nodeB, "R", nodeR);
        nodes.forEach((name, n) -> System.out.println("---- " + name + "\n" + n.logTail(60)));
        throw e;
      }
    }
  }

  private static void exchange(
      RedisServer redis,
      NodeProcess nodeA,
      NodeProcess nodeB,
      NodeProcess nodeR,
      int httpPort,
      int bOps,
      int rogueOps,
      long began)
      throws Exception {
    for (NodeProcess n : List.of(nodeB, nodeR, nodeA)) {
      awaitStarted(n);
    }
    long started = System.nanoTime();
    progress("3 processes started", began);

    // Warm-up: one distinct ticker per request through A until B has answered one (the first
    // TLS connections of cold JVMs on a busy machine may outlast the bus time-out).
    Map<String, Answer> answers = new LinkedHashMap<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(1))
        .failFast("a node died", () -> !nodeA.isAlive() || !nodeB.isAlive() || !nodeR.isAlive())
        .until(() -> buffer(httpPort, "TLS" + answers.size(), answers).status() == 202);
    // Steady state: A's event bus picks B's and R's consumer in turn. Every send to R fails the
    // TLS handshake and is never delivered, so the caller waits for the bus time-out.
    Map<String, Answer> steady = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      String ticker = "TLS" + answers.size();
      steady.put(ticker, buffer(httpPort, ticker, answers));
    }
    progress("answers " + answers, began);
    assertThat(steady.values())
        .as("R's consumer is in A's rotation: sends to it time out")
        .filteredOn(Answer::timedOut)
        .hasSizeGreaterThanOrEqualTo(2);

    List<String> accepted = tickers(answers, a -> a.status() == 202);
    List<String> sentToR = tickers(steady, Answer::timedOut);
    assertThat(answers.values()).extracting(Answer::status).containsOnly(202, 503);
    assertThat(buffered(rogueOps)).as("R's BufferVerticle received no message").isZero();
    // R keeps its own contributor secret at start-up (no TU_PRIVACY_SECRET); no bucket, no record.
    assertThat((List<?>) redis.command("KEYS", "rogue:*"))
        .as("R wrote no upload")
        .allMatch(key -> key.equals("rogue:privacy-secret"));
    List<String> inRedis = bufferedTickers(redis);
    assertThat(inRedis)
        .as("every accepted ticker is in Redis (and, during warm-up, some whose reply came late)")
        .containsAll(accepted)
        .isSubsetOf(answers.keySet())
        .doesNotContainAnyElementsOf(sentToR)
        .hasSize((int) buffered(bOps));
    long exchanged = System.nanoTime();

    // R leaves (an orderly stop unregisters its consumer): A and B serve every request again.
    nodeR.stop();
    Map<String, Answer> after = new LinkedHashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(1))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 4; i++) {
                assertThat(buffer(httpPort, "AFTER" + after.size(), after).status()).isEqualTo(202);
              }
            });
    List<String> lastFour = new ArrayList<>(after.keySet()).subList(after.size() - 4, after.size());
    assertThat(bufferedTickers(redis)).containsAll(lastFour);
    progress(
        String.format(
            "processes started after %d ms; %d requests through A with R in the cluster, %d accepted"
                + " by B, %d timed out (%d of 6 in steady state); R received 0; exchange %d ms",
            TimeUnit.NANOSECONDS.toMillis(started - began),
            answers.size(),
            accepted.size(),
            answers.values().stream().filter(Answer::timedOut).count(),
            sentToR.size(),
            TimeUnit.NANOSECONDS.toMillis(exchanged - started)),
        began);
  }

  static List<String> tickers(Map<String, Answer> answers, Predicate<Answer> which) {
    return answers.entrySet().stream()
        .filter(e -> which.test(e.getValue()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** One HTTP answer and how long it took. */
  record Answer(int status, long millis) {
    /** The bus time-out (503 after it), as against a fast 503 of a store failure. */
    boolean timedOut() {
      return status == 503 && millis >= BUS_TIMEOUT_MILLIS - 50;
    }

    @Override
    public String toString() {
      return status + " in " + millis + " ms";
    }
  }

  static void progress(String what, long began) {
    System.out.printf(
        "[cluster-tls] +%d ms %s%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), what);
  }

  static Map<String, String> node(
      TestConfigs.Cluster cluster,
      RedisServer redis,
      MariaDbServer mysql,
      Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(cluster.env());
    env.putAll(tls);
    env.put("TU_REDIS_URL", redis.url());
    env.put("TU_MYSQL_URL", mysql.url());
    return env;
  }

  static void awaitStarted(NodeProcess node) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .failFast("the node died: " + node.logTail(40), () -> !node.isAlive())
        .until(() -> node.output().stream().anyMatch(l -> l.contains("ticker-universe started")));
  }

  static Answer buffer(int port, String ticker, Map<String, Answer> answers) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tickers/buffer"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"" + ticker + "\"]}"))
            .build();
    long t0 = System.nanoTime();
    int status = send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    Answer answer = new Answer(status, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    answers.put(ticker, answer);
    return answer;
  }

  /** A hard bound on each request, whatever the client's own time-outs do. */
  static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
      throws Exception {
    return HTTP.sendAsync(request, body).get(40, TimeUnit.SECONDS);
  }

  /** {@code tu_buffer_requests_total} of a node without HTTP, from its ops port. */
  static long buffered(int opsPort) throws Exception {
    String metrics =
        send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = BUFFERED.matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no tu_buffer_requests_total on port " + opsPort + ":\n" + metrics);
    }
    return (long) Double.parseDouble(m.group(1));
  }

  static List<String> bufferedTickers(RedisServer redis) {
    List<String> members = new ArrayList<>();
    for (Object key : (List<?>) redis.command("KEYS", "ticker_universe:buffer:*")) {
      for (Object m : (List<?>) redis.command("SMEMBERS", (String) key)) {
        members.add((String) m);
      }
    }
    return members;
  }
}
