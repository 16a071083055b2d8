package org.tickeruniverse.example;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Joins a running clustered ticker-universe (Hazelcast TCP-IP join, never multicast), runs {@link
 * SiblingVerticle} and exits 0 once a {@code flushed} event was seen and the universe holds the
 * buffered tickers; 1 on any failure, 2 when that did not happen within the time-out.
 *
 * <p>Environment (the service's {@code TU_CLUSTER_*} settings, docs/CLUSTER.md): {@code
 * SIBLING_CLUSTER_NAME} (ticker-universe), {@code SIBLING_CLUSTER_MEMBERS} (127.0.0.1:5701, comma
 * separated), {@code SIBLING_CLUSTER_PORT} (first Hazelcast port of this process, 5701, counting
 * up), {@code SIBLING_TICKERS} (ZZSIB1.L,ZZSIB2.DE,ZZSIB3: none of the seeded tickers), {@code
 * SIBLING_TIMEOUT_SECONDS} (60). The event bus runs in clear text: a service with {@code
 * cluster.tls*} needs the same options here ({@link EventBusOptions#setSsl}).
 */
public final class SiblingMain {

  private SiblingMain() {}

  public static void main(String[] args) throws Exception {
    String name = env("SIBLING_CLUSTER_NAME", "ticker-universe");
    List<String> members =
        Arrays.asList(env("SIBLING_CLUSTER_MEMBERS", "127.0.0.1:5701").split(","));
    int port = Integer.parseInt(env("SIBLING_CLUSTER_PORT", "5701"));
    List<String> tickers =
        Arrays.asList(env("SIBLING_TICKERS", "ZZSIB1.L,ZZSIB2.DE,ZZSIB3").split(","));
    long timeout = Long.parseLong(env("SIBLING_TIMEOUT_SECONDS", "60"));

    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
            .withClusterManager(new HazelcastClusterManager(hazelcast(name, members, port)))
            .buildClustered()
            .toCompletionStage()
            .toCompletableFuture()
            .get(timeout, TimeUnit.SECONDS);
    int status;
    try {
      SiblingVerticle sibling = new SiblingVerticle(tickers, "sibling-example");
      Future<List<String>> outcome = vertx.deployVerticle(sibling).compose(id -> sibling.result());
      List<String> universe =
          outcome.toCompletionStage().toCompletableFuture().get(timeout, TimeUnit.SECONDS);
      System.out.printf("sibling: ok, the universe holds %s%n", universe);
      status = 0;
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.printf("sibling: no flushed event with our tickers within %d s%n", timeout);
      status = 2;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.printf("sibling: failed: %s%n", e.getCause());
      status = 1;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.printf("sibling: close failed: %s%n", e);
      }
    }
    System.exit(status);
  }

  /**
   * Vert.x's shipped Hazelcast configuration (the maps the event bus needs) with the networking
   * the service uses (HazelcastClusterConfig): TCP-IP join on loopback, never multicast, no
   * auto-detection.
   */
  static Config hazelcast(String name, List<String> members, int port) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).clear().addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    return config;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
