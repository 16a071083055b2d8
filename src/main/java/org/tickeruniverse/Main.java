package org.tickeruniverse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.cluster.ClusterTls;
import org.tickeruniverse.cluster.HazelcastClusterConfig;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.LogFormat;
import org.tickeruniverse.privacy.PrivacyNotes;
import org.tickeruniverse.role.StoreNeeds;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.universe.SeedFile;

/**
 * The process: read and validate the configuration, migrate the schema, build Vert.x (clustered or
 * not), deploy this node's verticles, and on SIGTERM drain and close in order.
 *
 * <p>A plain {@code main} rather than the tech-preview {@code VertxApplication}: configuration
 * decides how Vert.x is built, and a bad setting must end in one line and an exit code.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** Exit status for a configuration error (EX_CONFIG in sysexits.h). */
  static final int EXIT_CONFIG = 78;

  /** Exit status when a store or Vert.x could not be started. */
  static final int EXIT_START_FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    run(args, Clock.systemUTC());
  }

  /**
   * The process on the given clock, the one every verticle of the node reads time from. {@link
   * #main} passes the system clock; a test may pass a shifted one to run nodes whose clocks differ
   * (testsupport/SkewedClockMain).
   */
  public static void run(String[] args, Clock clock) {
    ServiceConfig config;
    List<String> oldNames = new ArrayList<>(); // logged once the log format is set
    try {
      config = ConfigLoader.load(Arrays.asList(args), System.getenv(), oldNames::add);
      if (config.node().runs(VerticleName.UNIVERSE)) {
        // a bad line stops here, naming file and line
        SeedFile.forSetting(config.universe().seedFile());
      }
      ClusterTls.check(config.cluster()); // a missing or wrong PEM file stops here, naming it
    } catch (ConfigException e) {
      System.err.println("ticker-universe: configuration error: " + e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    LogFormat.apply(config.log().format());
    oldNames.forEach(LOG::warn);
    if (ClusterTls.warnsClearText(config)) {
      LOG.warn(ClusterTls.CLEAR_TEXT_WARNING);
    }
    long started = System.nanoTime();
    Vertx vertx;
    Node node;
    try {
      if (StoreNeeds.of(config.node().verticles()).mysql()) {
        var result = Migrations.migrate(config.mysql());
        LOG.info(
            "schema at version {} ({} migration(s) applied)",
            result.targetSchemaVersion != null ? result.targetSchemaVersion : "current",
            result.migrationsExecuted);
      }
      vertx = buildVertx(config).await(2, TimeUnit.MINUTES);
      node = new Node(vertx, config, clock);
      // Registered before deploying: a SIGTERM that arrives while verticles start must still
      // undeploy whatever did start, in order.
      registerShutdownHook(node, config);
      node.deploy().await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      fatal(config, "ticker-universe: could not start: " + oneLine(e));
      LOG.debug("start-up failure", e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    LOG.info(
        "ticker-universe started in {} ms: verticles {}{}{}, {} transport",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        config.node().verticles(),
        config.node().runs(VerticleName.HTTP)
            ? ", HTTP " + config.http().host() + ":" + config.http().port()
            : "",
        config.cluster().enabled()
            ? ", clustered as \"" + config.cluster().name() + "\" on " + config.cluster().host()
            : "",
        vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
    LOG.info(PrivacyNotes.profileLine(config));
  }

  /**
   * The one line that explains a failed start: on stderr as text, or as a log line when {@code
   * log.format=json} so that a log collector still reads every line as JSON.
   */
  private static void fatal(ServiceConfig config, String line) {
    if (LogFormat.JSON.equals(config.log().format())) {
      LOG.error(line);
    } else {
      System.err.println(line);
    }
  }

  private static void registerShutdownHook(Node node, ServiceConfig config) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down: draining HTTP, then closing verticles and stores");
                  try {
                    node.shutdown().await(config.node().shutdownSeconds() + 15L, TimeUnit.SECONDS);
                    LOG.info("stopped cleanly");
                  } catch (Exception e) {
                    LOG.warn("shutdown did not complete cleanly: {}", oneLine(e));
                  }
                  // Flush what the asynchronous access log still queues before halting.
                  if (LoggerFactory.getILoggerFactory()
                      instanceof ch.qos.logback.classic.LoggerContext logback) {
                    logback.stop();
                  }
                  // A signal-initiated exit would report 143; an orderly stop is a success.
                  Runtime.getRuntime().halt(0);
                },
                "ticker-universe-shutdown"));
  }

  public static Future<Vertx> buildVertx(ServiceConfig config) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            // Event-bus meters register a gauge for every request's reply handler
            // (vertx-micrometer-metrics#259) for figures the service's own meters already give
            // (docs/PERFORMANCE.md#event-bus-meters-off).
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            // Vert.x's HTTP server meters look three meters up by name and tags on every response;
            // the access log records tu_http_server_requests per route instead, each meter resolved
            // once (docs/PERFORMANCE.md#request-meters-resolved-once-per-route).
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    // epoll where the native library loads (Linux x86-64, see pom.xml); NIO elsewhere.
    VertxOptions options =
        new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true);
    if (config.cluster().enabled()) {
      options.setEventBusOptions(HazelcastClusterConfig.eventBus(config.cluster()));
    }
    VertxBuilder builder =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory());
    if (config.cluster().enabled()) {
      return builder
          .withClusterManager(HazelcastClusterConfig.clusterManager(config.cluster()))
          .buildClustered();
    }
    return Future.succeededFuture(builder.build());
  }

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = String.valueOf(root.getMessage()).replace('\n', ' ');
    return root == e
        ? msg
        : e.getMessage() == null ? msg : (e.getMessage().replace('\n', ' ') + " (" + msg + ")");
  }
}
