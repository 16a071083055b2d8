package org.tickeruniverse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tickeruniverse.role.VerticleName;

class ConfigLoaderTest {

  private static final String TOKEN = "caller-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789";

  private static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("TU_AUTH_API_TOKENS", TOKEN);
    env.put("TU_AUTH_ADMIN_TOKENS", ADMIN);
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  @Test
  void anOldEnvironmentNameWorksForOneReleaseWithAWarningAndTheNewNameWins() {
    List<String> warnings = new ArrayList<>();
    ServiceConfig c = ConfigLoader.load(List.of(), env("TU_MAX_TICKERS", "50"), warnings::add);
    assertThat(c.buffer().maxTickers()).isEqualTo(50);
    assertThat(warnings)
        .containsExactly(
            "TU_MAX_TICKERS is deprecated and will be removed: use TU_BUFFER_MAX_TICKERS");

    warnings.clear();
    Map<String, String> both = env("TU_MAX_TICKERS", "50", "TU_BUFFER_MAX_TICKERS", "70");
    assertThat(ConfigLoader.load(List.of(), both, warnings::add).buffer().maxTickers())
        .isEqualTo(70);
    assertThat(warnings).hasSize(1);

    // A secret under its old name is read, and the warning names the variable, never the value.
    warnings.clear();
    String old = "old-name-token-0123456789";
    c = ConfigLoader.load(List.of(), Map.of("TU_API_TOKENS", old), warnings::add);
    assertThat(c.auth().apiTokens()).containsExactly(old);
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("TU_API_TOKENS", "TU_AUTH_API_TOKENS")
        .doesNotContain(old);
  }

  @Test
  void theEnvironmentNameIsDerivedFromThePath() {
    for (Setting s : Setting.ALL) {
      String expected =
          "TU_" + s.path().replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase();
      assertThat(s.env()).as(s.path()).isEqualTo(expected);
    }
    assertThat(Setting.at("http.bodyLimitBytes").env()).isEqualTo("TU_HTTP_BODY_LIMIT_BYTES");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServiceConfig c = ConfigLoader.load(List.of(), env());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.redis().url()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.mysql().url()).isEqualTo("mysql://root@127.0.0.1:3306/ticker_universe");
    assertThat(c.buffer().keyPrefix()).isEqualTo("ticker_universe");
    assertThat(c.buffer().bucketSeconds()).isEqualTo(300);
    assertThat(c.buffer().ttlSeconds()).isEqualTo(7200);
    assertThat(c.flush().graceSeconds()).isEqualTo(5);
    assertThat(c.evict().ttlDays()).isEqualTo(60);
    assertThat(c.buffer().maxTickers()).isEqualTo(1000);
    assertThat(c.evict().dailyAtUtc()).isEqualTo(LocalTime.of(3, 30));
    assertThat(c.auth().apiTokens()).containsExactly(TOKEN);
    assertThat(c.node().verticles()).containsExactly(VerticleName.values());
  }

  @Test
  void environmentOverridesFilesAndTheCommandLineOverridesBoth(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("override.json");
    Files.writeString(
        file,
        "{\"http\":{\"port\":9000},\"buffer\":{\"keyPrefix\":\"from-file\",\"maxTickers\":50}}");
    ServiceConfig c =
        ConfigLoader.load(
            List.of("-conf", file.toString(), "--http.port=9002"),
            env("TU_HTTP_PORT", "9001", "TU_BUFFER_KEY_PREFIX", "{tu}"));
    assertThat(c.http().port()).isEqualTo(9002);
    assertThat(c.buffer().keyPrefix()).isEqualTo("{tu}");
    assertThat(c.buffer().maxTickers()).isEqualTo(50);
  }

  @Test
  void aConfFileKeyThatIsNoSettingIsRefusedAndARetiredOneOnlyWarned(@TempDir Path dir)
      throws Exception {
    Path typo = dir.resolve("typo.json");
    Files.writeString(typo, "{\"http\":{\"prot\":9000}}");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("-conf", typo.toString()), env()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting http.prot");
    Path retired = dir.resolve("retired.json");
    Files.writeString(retired, "{\"http\":{\"maxConcurrentRequestsPerConnection\":5}}");
    List<String> warnings = new ArrayList<>();
    ConfigLoader.load(List.of("-conf", retired.toString()), env(), warnings::add);
    assertThat(warnings).singleElement().asString().contains("no longer read");
  }

  @Test
  void aListInAConfFileMayBeAJsonArray(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lists.json");
    Files.writeString(file, "{\"cluster\":{\"members\":[\"127.0.0.1\",\"127.0.0.2:5702\"]}}");
    assertThat(ConfigLoader.load(List.of("-conf", file.toString()), env()).cluster().members())
        .containsExactly("127.0.0.1", "127.0.0.2:5702");
  }

  @Test
  void commaSeparatedListsAndTheClusterFlagAreRead() {
    ServiceConfig c =
        ConfigLoader.load(List.of("-cluster"), env("TU_CLUSTER_MEMBERS", "127.0.0.1,127.0.0.2"));
    assertThat(c.cluster().enabled()).isTrue();
    assertThat(c.cluster().members()).containsExactly("127.0.0.1", "127.0.0.2");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TU_HTTP_PORT|70000|TU_HTTP_PORT (http.port) must be in 0..65535, got \"70000\"",
        "TU_HTTP_PORT|eighty|TU_HTTP_PORT (http.port) must be a whole number in 0..65535, got \"eighty\"",
        "TU_BUFFER_BUCKET_SECONDS|7|TU_BUFFER_BUCKET_SECONDS (buffer.bucketSeconds) must divide an hour",
        "TU_BUFFER_TTL_SECONDS|-5|TU_BUFFER_TTL_SECONDS (buffer.ttlSeconds) must be in 1..",
        "TU_EVICT_TTL_DAYS|-1|TU_EVICT_TTL_DAYS (evict.ttlDays) must be in 1..",
        "TU_REDIS_URL|http://x:1|TU_REDIS_URL (redis.url) must start with one of",
        "TU_REDIS_URL|redis://exa mple:6379|TU_REDIS_URL (redis.url) is not a valid URL",
        "TU_MYSQL_URL|mysql://root@127.0.0.1:3306|TU_MYSQL_URL (mysql.url) must name a database",
        "TU_MYSQL_URL|postgres://x/y|TU_MYSQL_URL (mysql.url) is not a valid",
        "TU_FLUSH_GRACE_SECONDS|300|TU_FLUSH_GRACE_SECONDS (flush.graceSeconds) must be shorter than the bucket",
        "TU_UPSERT_ENABLED|maybe|TU_UPSERT_ENABLED (upsert.enabled) must be true or false",
        "TU_NODE_VERTICLES|http,cron|TU_NODE_VERTICLES (node.verticles) names an unknown verticle",
        "TU_EVICT_DAILY_AT_UTC|25:00|TU_EVICT_DAILY_AT_UTC (evict.dailyAtUtc) must be a UTC time of day",
      })
  void badValuesNameTheSettingInOneLine(String variable, String value, String expected) {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), env(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesToStartWithoutTokensUnlessAuthIsExplicitlyOff() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_AUTH_API_TOKENS")
        .hasMessageContaining("TU_AUTH_DISABLED");
    ServiceConfig open =
        ConfigLoader.load(List.of(), Map.of("TU_AUTH_DISABLED", "true", "TU_HTTP_HOST", "0.0.0.0"));
    assertThat(open.http().host()).as("no auth means loopback only").isEqualTo("127.0.0.1");
  }

  @Test
  void shortTokensAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), env("TU_AUTH_API_TOKENS", "s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_AUTH_API_TOKENS")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  void proxyTokensAreTokensAloneEnoughToStartAndNeverPrinted() {
    String proxy = "proxy-token-0123456789";
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), env("TU_AUTH_PROXY_TOKENS", "s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TU_AUTH_PROXY_TOKENS")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    ServiceConfig c = ConfigLoader.load(List.of(), Map.of("TU_AUTH_PROXY_TOKENS", proxy));
    assertThat(c.auth().proxyTokens()).containsExactly(proxy);
    assertThat(c.auth().apiTokens()).isEmpty();
    assertThat(c.toString()).doesNotContain(proxy).contains("proxyTokens=1");
  }

  @Test
  void passwordsNeverAppearInMessagesOrToString() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    List.of(), env("TU_MYSQL_URL", "mysql://root:hunter2@127.0.0.1:3306")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").contains("***"));
    ServiceConfig c =
        ConfigLoader.load(List.of(), env("TU_MYSQL_URL", "mysql://root:hunter2@127.0.0.1:3306/db"));
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain(TOKEN).doesNotContain(ADMIN);
  }

  @Test
  void unknownArgumentsAndSettingsAreErrors() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--http.prot=1"), env()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting --http.prot");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("serve"), env()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown command-line argument");
  }

  @Test
  void redisUrlFormsAreAccepted() {
    for (String url :
        List.of(
            "redis://127.0.0.1:6379",
            "rediss://user:pw@host:6380/2",
            "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster",
            "redis-cluster://127.0.0.1:7000,127.0.0.1:7001")) {
      // a hash-tagged prefix: valid for every form, required by redis-cluster://
      // (ClusterConfigTest)
      assertThat(
              ConfigLoader.load(
                      List.of(),
                      env("TU_REDIS_URL", url, "TU_BUFFER_KEY_PREFIX", "{ticker_universe}"))
                  .redis()
                  .url())
          .isEqualTo(url);
    }
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    List.of(), env("TU_REDIS_URL", "redis-sentinel://127.0.0.1:26379")))
        .hasMessageContaining("must name the master");
  }

  @Test
  void ackReplicasNeedATimeOutBelowTheCommandTimeOutAndNoRedisCluster() {
    assertThat(
            ConfigLoader.load(List.of(), env("TU_BUFFER_ACK_REPLICAS", "1"))
                .buffer()
                .ackTimeoutMillis())
        .isEqualTo(1000);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    List.of(),
                    env("TU_BUFFER_ACK_REPLICAS", "1", "TU_BUFFER_ACK_TIMEOUT_MILLIS", "3000")))
        .hasMessageContaining(
            "TU_BUFFER_ACK_TIMEOUT_MILLIS (buffer.ackTimeoutMillis) must be shorter than"
                + " TU_REDIS_COMMAND_TIMEOUT_MILLIS (3000 ms)");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    List.of(),
                    env(
                        "TU_BUFFER_ACK_REPLICAS",
                        "1",
                        "TU_REDIS_URL",
                        "redis-cluster://127.0.0.1:7000",
                        "TU_BUFFER_KEY_PREFIX",
                        "{ticker_universe}")))
        .hasMessageContaining("is not supported with redis-cluster://");
  }
}
