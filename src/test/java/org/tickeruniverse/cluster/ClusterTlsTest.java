package org.tickeruniverse.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tickeruniverse.config.ConfigException;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.ClusterCerts;

/**
 * The start-up check of the event bus's PEM files and the options built from them, on files made by
 * scripts/cluster-certs.sh: the cluster's CA with two nodes, and a foreign CA with one.
 */
class ClusterTlsTest {

  @TempDir static Path dir;
  static ClusterCerts ours;
  static ClusterCerts foreign;

  @BeforeAll
  static void makeCertificates() throws Exception {
    ours = ClusterCerts.make(dir.resolve("ours"), "node1", "node2");
    foreign = ClusterCerts.make(dir.resolve("foreign"), "rogue");
  }

  static ServiceConfig config(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    return ConfigLoader.load(all, Map.of("TU_NODE_VERTICLES", "buffer"));
  }

  static ServiceConfig.Cluster tls(Path cert, Path key, Path ca) {
    return config(
            "-cluster",
            "--cluster.tlsCert=" + cert,
            "--cluster.tlsKey=" + key,
            "--cluster.tlsCa=" + ca)
        .cluster();
  }

  @Test
  void aNodeCertificateOfTheClusterCaPassesAndTurnsOnTlsWithClientAuthentication() {
    ServiceConfig.Cluster cluster = tls(ours.cert("node1"), ours.key("node1"), ours.ca());
    assertThatCode(() -> ClusterTls.check(cluster)).doesNotThrowAnyException();

    EventBusOptions bus = HazelcastClusterConfig.eventBus(cluster);
    assertThat(bus.isSsl()).isTrue();
    assertThat(bus.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(((PemKeyCertOptions) bus.getKeyCertOptions()).getCertPaths())
        .containsExactly(ours.cert("node1").toString());
    assertThat(((PemKeyCertOptions) bus.getKeyCertOptions()).getKeyPaths())
        .containsExactly(ours.key("node1").toString());
    assertThat(((PemTrustOptions) bus.getTrustOptions()).getCertPaths())
        .containsExactly(ours.ca().toString());
    // The clustered bus builds its client from the options' JSON: TLS must survive the trip.
    EventBusOptions copy = new EventBusOptions(bus.toJson());
    assertThat(copy.isSsl()).isTrue();
    assertThat(copy.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(copy.getKeyCertOptions()).isEqualTo(bus.getKeyCertOptions());
    assertThat(copy.getTrustOptions()).isEqualTo(bus.getTrustOptions());
  }

  @Test
  void withoutTlsFilesTheBusIsClearTextAndAClusteredStartWarns() {
    ServiceConfig clustered = config("-cluster");
    assertThat(HazelcastClusterConfig.eventBus(clustered.cluster()).isSsl()).isFalse();
    assertThatCode(() -> ClusterTls.check(clustered.cluster())).doesNotThrowAnyException();
    assertThat(ClusterTls.warnsClearText(clustered)).isTrue();
    assertThat(ClusterTls.warnsClearText(config())).as("not clustered: no bus").isFalse();
    assertThat(ClusterTls.warnsClearText(config("-cluster", "--privacy.profile=off")))
        .as("off promises nothing beyond the original module")
        .isFalse();
    assertThat(
            ClusterTls.warnsClearText(
                config(
                    "-cluster",
                    "--cluster.tlsCert=" + ours.cert("node1"),
                    "--cluster.tlsKey=" + ours.key("node1"),
                    "--cluster.tlsCa=" + ours.ca())))
        .isFalse();
    assertThat(ClusterTls.CLEAR_TEXT_WARNING)
        .doesNotContain("\n")
        .contains("TU_CLUSTER_TLS_CERT", "TU_CLUSTER_TLS_KEY", "TU_CLUSTER_TLS_CA");
  }

  @Test
  void aMissingFileIsNamedWithItsSetting() {
    Path missing = dir.resolve("nowhere.pem");
    assertThatThrownBy(() -> ClusterTls.check(tls(ours.cert("node1"), ours.key("node1"), missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TU_CLUSTER_TLS_CA (cluster.tlsCa) " + missing + " cannot be read");
    assertThatThrownBy(() -> ClusterTls.check(tls(missing, ours.key("node1"), ours.ca())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TU_CLUSTER_TLS_CERT (cluster.tlsCert) " + missing);
  }

  @Test
  void aFileThatIsNoPemOfItsKindIsRefused() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    assertThatThrownBy(() -> ClusterTls.check(tls(ours.cert("node1"), ours.key("node1"), junk)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TU_CLUSTER_TLS_CA (cluster.tlsCa) " + junk + " is not a PEM CA");
    assertThatThrownBy(() -> ClusterTls.check(tls(ours.cert("node1"), junk, ours.ca())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TU_CLUSTER_TLS_KEY (cluster.tlsKey) " + junk);
    assertThatThrownBy(() -> ClusterTls.check(tls(ours.key("node1"), ours.key("node1"), ours.ca())))
        .as("a key where the certificate belongs")
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TU_CLUSTER_TLS_KEY (cluster.tlsKey)");
  }

  @Test
  void anotherNodesKeyIsRefused() {
    assertThatThrownBy(
            () -> ClusterTls.check(tls(ours.cert("node1"), ours.key("node2"), ours.ca())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "TU_CLUSTER_TLS_KEY (cluster.tlsKey) "
                + ours.key("node2")
                + " is not the private key of the certificate in TU_CLUSTER_TLS_CERT ("
                + ours.cert("node1")
                + ")");
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedBeforePeersRefuseIt() {
    assertThatThrownBy(
            () -> ClusterTls.check(tls(foreign.cert("rogue"), foreign.key("rogue"), ours.ca())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "TU_CLUSTER_TLS_CERT (cluster.tlsCert) "
                + foreign.cert("rogue")
                + " is not a valid certificate signed by the CA in TU_CLUSTER_TLS_CA");
  }
}
