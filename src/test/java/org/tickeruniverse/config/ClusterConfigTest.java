package org.tickeruniverse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tickeruniverse.role.VerticleName;

/** Settings that only matter once there is more than one node or more than one Redis. */
class ClusterConfigTest {

  private static final Map<String, String> TOKENS =
      Map.of(
          "TU_AUTH_API_TOKENS",
          "caller-token-0123456789",
          "TU_AUTH_ADMIN_TOKENS",
          "admin-token-0123456789");

  private static ServiceConfig load(String... args) {
    return ConfigLoader.load(List.of(args), TOKENS);
  }

  @ParameterizedTest
  @CsvSource({
    "ticker_universe, ''",
    "{ticker_universe}, ticker_universe",
    "app:{tu}:x, tu",
    "{}ticker_universe, ''",
    "{a}{b}, a",
    "x{, ''",
    "x}{y}, y",
  })
  void hashTagFollowsRedisClusterRules(String key, String tag) {
    assertThat(ConfigLoader.hashTag(key).orElse("")).isEqualTo(tag);
  }

  @Test
  void redisClusterRefusesAPrefixWithoutHashTagNamingTheSetting() {
    assertThatThrownBy(() -> load("--redis.url=redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_BUFFER_KEY_PREFIX (buffer.keyPrefix)")
        .hasMessageContaining("{ticker_universe}")
        .hasMessageContaining("redis-cluster://");
    assertThatThrownBy(
            () -> load("--redis.url=redis-cluster://127.0.0.1:7000", "--buffer.keyPrefix={}tu"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void redisClusterAcceptsAHashTaggedPrefixAndStandaloneAcceptsBoth() {
    assertThat(
            load(
                    "--redis.url=redis-cluster://127.0.0.1:7000",
                    "--buffer.keyPrefix={ticker_universe}")
                .buffer()
                .keyPrefix())
        .isEqualTo("{ticker_universe}");
    assertThat(load("--redis.url=redis-sentinel://127.0.0.1:26379/mymaster").buffer().keyPrefix())
        .isEqualTo("ticker_universe");
    assertThat(load("--buffer.keyPrefix={ticker_universe}").buffer().keyPrefix())
        .isEqualTo("{ticker_universe}");
  }

  @Test
  void theFlushLeaseMustBeShorterThanTheBucket() {
    assertThat(load().flush().leaseSeconds()).isEqualTo(10);
    assertThatThrownBy(() -> load("--flush.leaseSeconds=300"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_FLUSH_LEASE_SECONDS (flush.leaseSeconds)")
        .hasMessageContaining("shorter than the bucket (300 s)");
    assertThatThrownBy(() -> load("--buffer.bucketSeconds=10"))
        .as("the default lease of 10 s does not fit a 10 s bucket")
        .isInstanceOf(ConfigException.class);
    assertThat(load("--buffer.bucketSeconds=60").flush().leaseSeconds()).isEqualTo(10);
    assertThat(load("--buffer.bucketSeconds=60", "--flush.leaseSeconds=20").flush().leaseSeconds())
        .isEqualTo(20);
  }

  @Test
  void clusterSettingsComeFromTheEnvironmentAndMinusCluster() {
    ServiceConfig c =
        ConfigLoader.load(
            List.of("-cluster"),
            Map.of(
                "TU_NODE_VERTICLES", "flush,evict",
                "TU_CLUSTER_NAME", "tu-prod",
                "TU_CLUSTER_HOST", "10.0.0.7",
                "TU_CLUSTER_PORT", "5801",
                "TU_CLUSTER_MEMBERS", "10.0.0.7, 10.0.0.8:5801",
                "TU_CLUSTER_BUS_PORT", "5901"));
    assertThat(c.cluster())
        .isEqualTo(
            new ServiceConfig.Cluster(
                true,
                "tu-prod",
                "10.0.0.7",
                5801,
                "tcp",
                List.of("10.0.0.7", "10.0.0.8:5801"),
                "",
                5901,
                "",
                "",
                ""));
    assertThat(ConfigLoader.load(List.of(), TOKENS).cluster().busPort())
        .as("any free port by default")
        .isZero();
    assertThat(c.node().verticles()).containsExactly(VerticleName.FLUSH, VerticleName.EVICT);
    assertThat(c.auth().apiTokens()).as("a node without HTTP needs no tokens").isEmpty();
    assertThat(c.cluster().tls()).as("no TLS files: clear-text bus").isFalse();
  }

  @ParameterizedTest(name = "{0} set")
  @CsvSource(
      delimiter = '|',
      value = {
        "tlsCert|TU_CLUSTER_TLS_KEY (cluster.tlsKey) is empty while TU_CLUSTER_TLS_CERT is set",
        "tlsKey|TU_CLUSTER_TLS_CERT (cluster.tlsCert) is empty while TU_CLUSTER_TLS_KEY is set",
        "tlsCa|TU_CLUSTER_TLS_CERT (cluster.tlsCert) is empty while TU_CLUSTER_TLS_CA is set",
        "tlsCert,tlsKey|TU_CLUSTER_TLS_CA (cluster.tlsCa) is empty while TU_CLUSTER_TLS_CERT and"
            + " TU_CLUSTER_TLS_KEY are set",
      })
  void clusterTlsNeedsAllThreeFilesOrNoneNamingTheMissingOne(String set, String message) {
    List<String> args = new java.util.ArrayList<>(List.of("-cluster"));
    for (String name : set.split(",")) {
      args.add("--cluster." + name + "=/etc/tu/" + name + ".pem");
    }
    assertThatThrownBy(() -> load(args.toArray(String[]::new)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .hasMessageContaining(
            "all three of TU_CLUSTER_TLS_CERT, TU_CLUSTER_TLS_KEY, TU_CLUSTER_TLS_CA");
  }

  @Test
  void allThreeTlsFilesTurnTlsOn() {
    ServiceConfig c =
        ConfigLoader.load(
            List.of("-cluster"),
            Map.of(
                "TU_NODE_VERTICLES", "buffer",
                "TU_CLUSTER_TLS_CERT", "/etc/tu/node.pem",
                "TU_CLUSTER_TLS_KEY", "/etc/tu/node-key.pem",
                "TU_CLUSTER_TLS_CA", "/etc/tu/ca.pem"));
    assertThat(c.cluster().tls()).isTrue();
    assertThat(c.cluster().tlsKey()).isEqualTo("/etc/tu/node-key.pem");
  }
}
