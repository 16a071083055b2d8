package org.tickeruniverse.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every service meter the dashboard charts or an alert reads exists from start-up, before any job
 * ran: a panel of a daily eviction must not show "no data" for a day after a deploy.
 */
class ServiceMetricsTest {

  /** Meters of other owners: per-route HTTP meters (RouteMeters), the store gauge (StoreWatch). */
  static final Set<String> OWNED_ELSEWHERE =
      Set.of("tu_http_server_requests_seconds", "tu_store_up");

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
    Set<String> read = new TreeSet<>();
    for (String file :
        new String[] {"ops/grafana/ticker-universe.json", "ops/prometheus/alerts.yml"}) {
      Matcher m = Pattern.compile("tu_[a-z_]+").matcher(Files.readString(Path.of(file)));
      while (m.find()) {
        read.add(m.group());
      }
    }
    read.removeIf(name -> OWNED_ELSEWHERE.stream().anyMatch(name::startsWith));
    assertThat(read).isNotEmpty().contains("tu_evict_duration_seconds_max");
    assertThat(scraped).containsAll(read);
  }
}
