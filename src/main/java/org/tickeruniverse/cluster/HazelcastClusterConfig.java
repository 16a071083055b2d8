package org.tickeruniverse.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.tickeruniverse.config.ServiceConfig;

/**
 * The Hazelcast configuration of a clustered node: Vert.x's shipped {@code default-cluster.xml}
 * (the maps and multimaps the event bus needs) with networking from our configuration — TCP-IP join
 * with explicit members (or, with {@code cluster.discovery=kubernetes}, the addresses behind a
 * headless Service), one interface, ports counting up from {@code cluster.port}. Never multicast:
 * it does not cross most networks, and it would let any process on the segment join.
 */
public final class HazelcastClusterConfig {

  /** The {@code cluster.discovery} value that selects Kubernetes DNS lookup. */
  static final String KUBERNETES = "kubernetes";

  private HazelcastClusterConfig() {}

  /**
   * The clustered event bus listens on the interface Hazelcast binds, on {@code cluster.busPort}
   * (0: any free port). Other nodes learn the address through the cluster manager. With the {@code
   * cluster.tls*} files it runs TLS and requires a client certificate ({@link ClusterTls}).
   */
  public static EventBusOptions eventBus(ServiceConfig.Cluster cluster) {
    return ClusterTls.apply(
        new EventBusOptions().setHost(cluster.host()).setPort(cluster.busPort()), cluster);
  }

  public static HazelcastClusterManager clusterManager(ServiceConfig.Cluster cluster) {
    return new HazelcastClusterManager(config(cluster));
  }

  public static Config config(ServiceConfig.Cluster cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Main closes Vert.x (and so Hazelcast) in its own shutdown hook, in order; Hazelcast's
    // hook would race it and drop the node before in-flight requests drain.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A member that vanishes (kill -9) is declared dead after this many seconds, not minutes.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    network.setPublicAddress(null);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (KUBERNETES.equals(cluster.discovery())) {
      // Hazelcast's built-in Kubernetes discovery in DNS-lookup mode: the members are the
      // addresses behind a headless Service. Needs no API access (no RBAC), only cluster DNS;
      // cluster.host is then the pod's own IP (docs/CLUSTER.md).
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    return config;
  }
}
