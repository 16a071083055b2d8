package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * Readiness by role, against real Redis and MariaDB that the test stops and starts: each node
 * answers {@code /health/ready} 200 exactly when what its own verticles need answers. An HTTP edge
 * needs its universe snapshot (and, clustered, the cluster), not the stores; {@code buffer} adds
 * Redis, {@code flush} Redis and MySQL, {@code evict} MySQL. A worker without HTTP answers on its
 * ops port ({@code node.opsPort}). The observed matrix is printed.
 */
@RealServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReadinessByRoleIT {

  enum State {
    ALL_UP,
    REDIS_DOWN,
    MYSQL_DOWN
  }

  /** A node under test: its label, settings, the checks it must list, and its expected column. */
  record Role(
      String label,
      List<String> settings,
      List<String> checks,
      boolean redisDownReady,
      boolean mysqlDownReady) {
    boolean expected(State state) {
      return switch (state) {
        case ALL_UP -> true;
        case REDIS_DOWN -> redisDownReady;
        case MYSQL_DOWN -> mysqlDownReady;
      };
    }
  }

  @Test
  void eachRoleIsReadyExactlyWhenWhatItsVerticlesNeedAnswers(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    Assumptions.assumeTrue(
        redis.controllable() && mysql.controllable(), "needs servers the test can stop");
    TestConfigs.Cluster cluster = TestConfigs.Cluster.create();
    List<Role> roles =
        List.of(
            new Role(
                "http (clustered edge)",
                withCluster(cluster, "--node.verticles=http"),
                List.of("universe", "cluster"),
                true,
                true),
            new Role(
                "http,universe",
                List.of("--node.verticles=http,universe"),
                List.of("universe", "snapshot"),
                true,
                true),
            new Role(
                "http,universe,buffer",
                List.of("--node.verticles=http,universe,buffer"),
                List.of("universe", "snapshot", "redis"),
                false,
                true),
            new Role(
                "http,universe,flush",
                List.of("--node.verticles=http,universe,flush"),
                List.of("universe", "snapshot", "redis", "mysql"),
                false,
                false),
            new Role(
                "http,universe,evict",
                List.of("--node.verticles=http,universe,evict"),
                List.of("universe", "snapshot", "mysql"),
                true,
                false),
            new Role(
                "all (default)",
                List.of(),
                List.of("universe", "snapshot", "redis", "mysql"),
                false,
                false),
            new Role(
                "buffer,flush,evict (ops port)",
                List.of(
                    "--node.verticles=buffer,flush,evict",
                    "--node.opsPort=" + TestConfigs.freePort()),
                List.of("redis", "mysql"),
                false,
                false));

    List<ServiceHarness> nodes = new ArrayList<>();
    try {
      // The clustered edge's universe comes from a universe node elsewhere in its cluster.
      nodes.add(
          ServiceHarness.start(
              TestConfigs.forUrls(
                  redis.url(), mysql.url(), withCluster(cluster, "--node.verticles=universe")),
              Clock.systemUTC()));
      Map<Role, ServiceHarness> byRole = new LinkedHashMap<>();
      for (Role role : roles) {
        List<String> settings = new ArrayList<>(role.settings());
        settings.add("--http.port=" + TestConfigs.freePort());
        ServiceHarness node =
            ServiceHarness.start(
                TestConfigs.forUrls(redis.url(), mysql.url(), settings), Clock.systemUTC());
        nodes.add(node);
        byRole.put(role, node);
      }

      Map<State, Map<Role, Integer>> observed = new LinkedHashMap<>();
      observed.put(State.ALL_UP, awaitColumn(byRole, State.ALL_UP));
      for (Map.Entry<Role, ServiceHarness> e : byRole.entrySet()) {
        assertThat(checkIds(e.getValue()))
            .as(e.getKey().label())
            .containsExactlyInAnyOrderElementsOf(e.getKey().checks());
      }
      ServiceHarness worker = byRole.get(roles.get(roles.size() - 1));
      assertThat(worker.http("GET", "/health/live", null).statusCode())
          .as("worker liveness on its ops port")
          .isEqualTo(200);
      // These in-JVM nodes run without a Prometheus registry, so the routed metrics handler says
      // so (a route the ops server lacked would be the router's bare 404 instead).
      var scrape = worker.http("GET", "/metrics", null);
      assertThat(new String(scrape.body(), StandardCharsets.UTF_8))
          .as("worker /metrics on its ops port")
          .contains("metrics are not enabled in this process");

      redis.stop();
      try {
        observed.put(State.REDIS_DOWN, awaitColumn(byRole, State.REDIS_DOWN));
      } finally {
        redis.start();
      }
      awaitColumn(byRole, State.ALL_UP);

      mysql.stop();
      try {
        observed.put(State.MYSQL_DOWN, awaitColumn(byRole, State.MYSQL_DOWN));
      } finally {
        mysql.start();
      }
      awaitColumn(byRole, State.ALL_UP);

      System.out.println(matrix(roles, observed));
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).close();
      }
    }
  }

  private static List<String> withCluster(TestConfigs.Cluster cluster, String... settings) {
    List<String> all = new ArrayList<>(cluster.args());
    all.addAll(List.of(settings));
    return all;
  }

  /**
   * Waits until every node answers as {@code state} expects, then reads the column once more and
   * returns it. A node that answers otherwise for 30 s fails the test with the whole column.
   */
  private static Map<Role, Integer> awaitColumn(Map<Role, ServiceHarness> byRole, State state)
      throws Exception {
    Map<Role, Integer> last = new LinkedHashMap<>();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                last.clear();
                for (Map.Entry<Role, ServiceHarness> e : byRole.entrySet()) {
                  last.put(e.getKey(), status(e.getValue()));
                }
                return last.entrySet().stream()
                    .allMatch(e -> (e.getValue() == 200) == e.getKey().expected(state));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "readiness with "
              + state
              + " (expected 200 or 503): "
              + last.entrySet().stream()
                  .map(
                      x ->
                          x.getKey().label()
                              + "="
                              + x.getValue()
                              + (x.getKey().expected(state) ? "/200" : "/503"))
                  .collect(Collectors.joining(", ")),
          e);
    }
    Map<Role, Integer> column = new LinkedHashMap<>();
    for (Map.Entry<Role, ServiceHarness> e : byRole.entrySet()) {
      int status = status(e.getValue());
      assertThat(status == 200)
          .as(e.getKey().label() + " with " + state)
          .isEqualTo(e.getKey().expected(state));
      column.put(e.getKey(), status);
    }
    return column;
  }

  private static int status(ServiceHarness node) throws Exception {
    return node.http("GET", "/health/ready", null).statusCode();
  }

  private static List<String> checkIds(ServiceHarness node) throws Exception {
    JsonArray checks =
        new JsonObject(
                new String(node.http("GET", "/health/ready", null).body(), StandardCharsets.UTF_8))
            .getJsonArray("checks");
    return checks.stream().map(c -> ((JsonObject) c).getString("id")).toList();
  }

  private static String matrix(List<Role> roles, Map<State, Map<Role, Integer>> observed) {
    StringBuilder out =
        new StringBuilder(
            "[readiness matrix] GET /health/ready per node role (node.verticles) and store state\n");
    out.append(
        String.format(
            "%-30s | %-16s | %-16s | %-16s | %s%n",
            "role", "all up", "Redis down", "MySQL down", "checks"));
    for (Role role : roles) {
      out.append(
          String.format(
              "%-30s | %-16s | %-16s | %-16s | %s%n",
              role.label(),
              cell(observed.get(State.ALL_UP).get(role)),
              cell(observed.get(State.REDIS_DOWN).get(role)),
              cell(observed.get(State.MYSQL_DOWN).get(role)),
              String.join(",", role.checks())));
    }
    return out.toString();
  }

  private static String cell(int status) {
    return (status == 200 ? "ready" : "NOT ready") + " (" + status + ")";
  }
}
