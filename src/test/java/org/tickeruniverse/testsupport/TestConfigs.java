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
    return StoreServer.freePort();
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
    List<String> args = new ArrayList<>();
    args.add("--redis.url=" + redisUrl);
    args.add("--mysql.url=" + mysqlUrl);
    args.add(BASELINE_PROFILE_ARG);
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
}
