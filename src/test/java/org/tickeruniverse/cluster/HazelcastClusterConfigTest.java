package org.tickeruniverse.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;

/** What the shipped Hazelcast configuration of a node says, without starting it. */
class HazelcastClusterConfigTest {

  static ServiceConfig.Cluster cluster(String... args) {
    return ConfigLoader.load(List.of(args), Map.of("TU_NODE_VERTICLES", "flush")).cluster();
  }

  @Test
  void tcpIpJoinOnTheConfiguredInterfaceNeverMulticast() {
    Config config =
        HazelcastClusterConfig.config(
            cluster(
                "-cluster",
                "--cluster.name=tu-x",
                "--cluster.host=10.1.2.3",
                "--cluster.port=5801",
                "--cluster.members=10.1.2.3,10.1.2.4:5801"));
    assertThat(config.getClusterName()).isEqualTo("tu-x");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.1.2.3", "10.1.2.4:5801");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.1.2.3");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
  }

  @Test
  void kubernetesDiscoveryLooksUpTheHeadlessServiceInsteadOfTcpMembers() {
    Config config =
        HazelcastClusterConfig.config(
            cluster(
                "-cluster",
                "--cluster.discovery=kubernetes",
                "--cluster.kubernetesServiceDns=tu-hz.prod.svc.cluster.local",
                "--cluster.host=10.4.0.17",
                "--cluster.port=5701"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("tu-hz.prod.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.4.0.17");
    join.verify(); // Hazelcast's own check at member start: at most one join mechanism enabled
  }

  @Test
  void kubernetesDiscoveryWithoutAServiceNameIsRefused() {
    assertThatThrownBy(() -> cluster("-cluster", "--cluster.discovery=kubernetes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_CLUSTER_KUBERNETES_SERVICE_DNS");
  }

  @Test
  void tcpDiscoveryLeavesKubernetesOff() {
    Config config = HazelcastClusterConfig.config(cluster("-cluster"));
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
  }

  @Test
  void theEventBusListensOnTheClusterInterface() {
    var bus =
        HazelcastClusterConfig.eventBus(
            cluster("-cluster", "--cluster.host=10.1.2.3", "--cluster.busPort=5901"));
    assertThat(bus.getHost()).isEqualTo("10.1.2.3");
    assertThat(bus.getPort()).isEqualTo(5901);
  }

  @Test
  void theDefaultsJoinOnLoopbackOnly() {
    Config config = HazelcastClusterConfig.config(cluster("-cluster"));
    assertThat(config.getClusterName()).isEqualTo("ticker-universe");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    // The maps and multimaps the Vert.x event bus needs come from vertx-hazelcast's defaults.
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void theClusterHostMustBeAnAddress() {
    assertThatThrownBy(() -> cluster("-cluster", "--cluster.host=localhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_CLUSTER_HOST (cluster.host)")
        .hasMessageContaining("IPv4 address");
    assertThat(cluster("--cluster.host=192.168.0.10").host()).isEqualTo("192.168.0.10");
  }
}
