package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tickeruniverse.testsupport.ClusterCerts;

/**
 * The real process: a bad setting, seed file or cluster TLS file ends in one line on stderr and
 * exit status 78, no stack trace.
 */
class MainConfigErrorIT {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TU_HTTP_PORT|70000|TU_HTTP_PORT (http.port)",
        "TU_MYSQL_URL|not a url|TU_MYSQL_URL (mysql.url)",
        "TU_BUFFER_BUCKET_SECONDS|7|TU_BUFFER_BUCKET_SECONDS (buffer.bucketSeconds)",
        "TU_BUFFER_TTL_SECONDS|-1|TU_BUFFER_TTL_SECONDS (buffer.ttlSeconds)",
      })
  void badSettingStopsTheProcessWithOneLine(String variable, String value, String named)
      throws Exception {
    assertThat(refusedWith(variable, value))
        .startsWith("ticker-universe: configuration error: " + named);
  }

  @Test
  void aBadSeedFileStopsTheProcessNamingItsLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("seeds.txt");
    Files.writeString(file, "AAPL\nTOO-LONG-" + "X".repeat(40) + "\n");
    assertThat(refusedWith("TU_UNIVERSE_SEED_FILE", file.toString()))
        .startsWith("ticker-universe: configuration error: TU_UNIVERSE_SEED_FILE")
        .contains(file + " line 2");
  }

  @Test
  void partialClusterTlsSettingsStopTheProcessNamingTheMissingOne(@TempDir Path dir)
      throws Exception {
    Path cert = Files.writeString(dir.resolve("node.pem"), "unused\n");
    assertThat(
            refusedWith(
                Map.of(
                    "TU_CLUSTER_ENABLED", "true",
                    "TU_CLUSTER_TLS_CERT", cert.toString(),
                    "TU_CLUSTER_TLS_CA", cert.toString())))
        .startsWith(
            "ticker-universe: configuration error: TU_CLUSTER_TLS_KEY (cluster.tlsKey) is empty"
                + " while TU_CLUSTER_TLS_CERT and TU_CLUSTER_TLS_CA are set");
  }

  @Test
  void aMissingClusterTlsFileStopsTheProcessNamingIt(@TempDir Path dir) throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir, "node1");
    Files.delete(certs.key("node1"));
    Map<String, String> env = new HashMap<>(certs.env("node1"));
    env.put("TU_CLUSTER_ENABLED", "true");
    assertThat(refusedWith(env))
        .startsWith(
            "ticker-universe: configuration error: TU_CLUSTER_TLS_KEY (cluster.tlsKey) "
                + certs.key("node1")
                + " cannot be read");
  }

  private static String refusedWith(String variable, String value) throws Exception {
    return refusedWith(Map.of(variable, value));
  }

  /** Runs Main with these settings; asserts exit 78 and a single line on stderr, and returns it. */
  private static String refusedWith(Map<String, String> settings) throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), "org.tickeruniverse.Main");
    pb.environment().keySet().removeIf(k -> k.startsWith("TU_"));
    pb.environment().put("TU_AUTH_API_TOKENS", "caller-token-0123456789");
    pb.environment().putAll(settings);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).isEqualTo(78);
    List<String> lines = stderr.lines().toList();
    assertThat(lines).hasSize(1);
    return lines.get(0);
  }
}
