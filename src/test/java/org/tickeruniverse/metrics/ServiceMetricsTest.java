package org.tickeruniverse.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every service meter the dashboard charts or an alert reads exists from start-up, before any job
 * ran: a panel of a daily eviction must not show "no data" for a day after a deploy, and an alert
 * on a counter sees its first rise from 0.
 */
class ServiceMetricsTest {

  /**
   * Meters of other owners: the per-route HTTP timers (http/RouteMeters, one series per route and
   * status, created by the first response with that status) and the store gauge (set by
   * ops/StoreWatchVerticle's first check, at start-up).
   */
  static final Set<String> OWNED_ELSEWHERE =
      Set.of("tu_http_server_requests_seconds", "tu_store_up");

  private static final Pattern SERVICE_METER = Pattern.compile("\\btu_[a-z0-9_]+");

  @Test
  void everyMeterTheOpsFilesReadIsScrapedBeforeAnyRun() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServiceMetrics.of(registry);
    Set<String> scraped =
        registry
            .scrape()
            .lines()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .map(l -> l.split("[{ ]", 2)[0])
            .collect(Collectors.toCollection(TreeSet::new));
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    int panels = expressions.size();
    expressions.addAll(alertExpressions());
    assertThat(panels).as("dashboard queries").isGreaterThanOrEqualTo(20);
    assertThat(expressions.size() - panels).as("alert rules").isGreaterThanOrEqualTo(9);
    Set<String> read = new TreeSet<>();
    for (String expr : expressions) {
      Matcher m = SERVICE_METER.matcher(expr);
      while (m.find()) {
        read.add(m.group());
      }
    }
    read.removeIf(name -> OWNED_ELSEWHERE.stream().anyMatch(name::startsWith));
    assertThat(read)
        .contains("tu_evict_duration_seconds_max", "tu_evict_rows_deleted_total")
        .contains("tu_flush_runs_total", "tu_universe_capacity_refusals_total");
    assertThat(scraped).containsAll(read);
  }

  /** Every {@code expr} of ops/grafana/*.json, wherever the panel sits (rows nest panels). */
  static List<String> dashboardExpressions() throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(Path.of("ops", "grafana"), "*.json")) {
      for (Path file : files) {
        collectExpr(new JsonObject(Files.readString(file)), found);
      }
    }
    return found;
  }

  private static void collectExpr(Object node, List<String> found) {
    if (node instanceof JsonObject o) {
      if (o.getValue("expr") instanceof String expr) {
        found.add(expr);
      }
      o.forEach(e -> collectExpr(e.getValue(), found));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectExpr(v, found));
    }
  }

  /** The {@code expr} of every rule of ops/prometheus/alerts.yml. */
  @SuppressWarnings("unchecked")
  static List<String> alertExpressions() throws IOException {
    Map<String, Object> doc =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(Path.of("ops", "prometheus", "alerts.yml")));
    List<String> found = new ArrayList<>();
    for (Object group : (List<Object>) doc.get("groups")) {
      for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
        found.add(String.valueOf(((Map<String, Object>) rule).get("expr")));
      }
    }
    return found;
  }
}
