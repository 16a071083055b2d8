package org.tickeruniverse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Setting;

/** Service configuration pointing at a test's real servers, built the way production builds it. */
public final class TestConfigs {

  public static final String CALLER_TOKEN = "caller-token-for-tests-0001";
  public static final String ADMIN_TOKEN = "admin-token-for-tests-00001";

  /**
   * The privacy profile of test services unless a test names another: {@code off}, the original
   * module's behaviour (every closed bucket published), so that tests of the pipeline's mechanics
   * see each upload published. The tests of privacy name theirs (PrivacyDefaultsIT: the default).
   */
  public static final String BASELINE_PROFILE = "off";

  /**
   * Test services switch the per-token buffer rate off (a test's settings override it): their
   * callers share one token on purpose. The limit has tests of its own (BufferRateLimitIT).
   */
  public static final String RATE_OFF_ENV = "TU_BUFFER_RATE_PER_TOKEN";

  private TestConfigs() {}

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param overrides command-line style settings, e.g. {@code "--flush.chunkSize=7"}
   */
  public static ServiceConfig forServers(
      RedisServer redis, MariaDbServer mysql, String... overrides) {
    List<String> args = new ArrayList<>(List.of("--http.port=" + freePort()));
    args.addAll(Arrays.asList(overrides));
    return forUrls(redis.url(), mysql.url(), args);
  }

  /** As production loads it; {@code redisUrl} in any TU_REDIS_URL form (sentinel, cluster). */
  public static ServiceConfig forUrls(String redisUrl, String mysqlUrl, List<String> settings) {
    List<String> args = new ArrayList<>(List.of("--http.port=0", "--redis.url=" + redisUrl));
    args.addAll(List.of("--mysql.url=" + mysqlUrl, "--privacy.profile=" + BASELINE_PROFILE));
    args.addAll(settings);
    return ConfigLoader.load(
        args,
        Map.of(
            "TU_AUTH_API_TOKENS",
            CALLER_TOKEN,
            "TU_AUTH_ADMIN_TOKENS",
            ADMIN_TOKEN,
            RATE_OFF_ENV,
            "0"));
  }

  /** Command-line settings ({@code --path=value}) as the environment of a node's own process. */
  public static Map<String, String> env(List<String> args) {
    Map<String, String> env = new HashMap<>();
    for (String arg : args) {
      String[] pathValue = arg.substring(2).split("=", 2);
      env.put(Setting.at(pathValue[0]).env(), pathValue[1]);
    }
    return env;
  }

  /** Where the nodes of one test cluster meet: a name of its own and 10 free loopback ports. */
  public record Cluster(String name, int basePort) {

    public static Cluster create() {
      return new Cluster("tu-test-" + UUID.randomUUID(), freePortBlock(10));
    }

    /** Settings that put a node into this cluster (TCP-IP join on 127.0.0.1, never multicast). */
    public List<String> args() {
      return List.of(
          "--cluster.enabled=true",
          "--cluster.name=" + name,
          "--cluster.host=127.0.0.1",
          "--cluster.port=" + basePort,
          "--cluster.members=127.0.0.1");
    }

    public Map<String, String> env() {
      return TestConfigs.env(args());
    }

    /**
     * Consecutive ports free a moment ago, below the kernel's ephemeral range (32768 up on Linux)
     * where busy client sockets of other tests cannot sit.
     */
    private static int freePortBlock(int count) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int base = 20_000 + ThreadLocalRandom.current().nextInt(12_000 - count);
        boolean free = true;
        for (int p = base; p < base + count && free; p++) {
          try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
          } catch (Exception e) {
            free = false;
          }
        }
        if (free) {
          return base;
        }
      }
      throw new IllegalStateException("no block of " + count + " free ports on 127.0.0.1");
    }
  }
}
