package org.tickeruniverse.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;

/** Service configuration pointing at a test's real servers, built the way production builds it. */
public final class TestConfigs {

  public static final String CALLER_TOKEN = "caller-token-for-tests-0001";
  public static final String ADMIN_TOKEN = "admin-token-for-tests-00001";

  /**
   * The privacy profile of the services the test support starts unless a test names another: {@code
   * off}, the original module's behaviour (every closed bucket published, upsert open, exact
   * stamps), so that tests of the pipeline's mechanics see each upload published. The tests of
   * privacy name their profile or settings (it/PrivacyDefaultsIT runs the shipped default).
   */
  public static final String BASELINE_PROFILE = "off";

  /** {@link #BASELINE_PROFILE} as a command-line setting; a later one wins. */
  public static final String BASELINE_PROFILE_ARG = "--privacy.profile=" + BASELINE_PROFILE;

  /**
   * Test services switch the per-token buffer rate off ({@code TU_BUFFER_RATE_PER_TOKEN=0}, which a
   * test's own settings override): their callers share one token and upload as fast as they can on
   * purpose. The limit has tests of its own (TokenRateLimiterTest, BufferRateLimitIT).
   */
  public static final String RATE_OFF_ENV = "TU_BUFFER_RATE_PER_TOKEN";

  private TestConfigs() {}

  public static int freePort() {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * @param overrides command-line style settings, e.g. {@code "--flush.chunkSize=7"}
   */
  public static ServiceConfig forServers(
      RedisServer redis, MariaDbServer mysql, String... overrides) {
    List<String> args = new ArrayList<>();
    args.add("--redis.url=" + redis.url());
    args.add("--mysql.url=" + mysql.url());
    args.add("--http.port=" + freePort());
    args.add(BASELINE_PROFILE_ARG);
    args.addAll(Arrays.asList(overrides));
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
}
