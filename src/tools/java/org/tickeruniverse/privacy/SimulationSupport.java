package org.tickeruniverse.privacy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.awaitility.Awaitility;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.universe.SeedFile;

/** What the two scenarios of {@link PrivacySimulation} share: variants, popularity, servers. */
final class SimulationSupport {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final String SECRET_TABLE = "ticker_universe.ticker_universe_secret";

  /** The key of the contributor hash: fixed, so that a seed replays the same counts. */
  static final String PRIVACY_SECRET = "simulation-secret-0123456789";

  private SimulationSupport() {}

  /**
   * One configuration under test: a privacy profile as shipped ({@code off}, {@code standard},
   * {@code strict}), or {@code k=N}: the {@code off} profile with k = N and the after-hold
   * threshold of the earlier table (1, 2 for k = 3, else ⌈k/2⌉) and a 6-hour hold.
   */
  record Variant(String label, String profile, int rawK) {

    static Variant parse(String spec) {
      String s = spec.strip().toLowerCase(Locale.ROOT);
      if (s.startsWith("k=")) {
        int k = Integer.parseInt(s.substring(2));
        if (k < 1) {
          throw new IllegalArgumentException("k must be at least 1: " + spec);
        }
        return new Variant(s, "off", k);
      }
      if (!List.of("off", "standard", "strict").contains(s)) {
        throw new IllegalArgumentException("not a profile (off, standard, strict) or k=N: " + spec);
      }
      return new Variant(s, s, 0);
    }

    static List<Variant> parseAll(String specs) {
      return Arrays.stream(specs.split(",")).map(Variant::parse).toList();
    }

    boolean isOff() {
      return rawK == 0 && profile.equals("off");
    }

    /**
     * The settings of this variant: only the profile for a profile, so that the figures describe
     * what ships (k, hold, seed list, stamp precision and eviction spread all follow from it).
     */
    List<String> settings() {
      List<String> out = new ArrayList<>();
      out.add("--privacy.profile=" + profile);
      if (rawK > 0) {
        out.add("--privacy.minContributors=" + rawK);
        out.add("--privacy.minContributorsAfterHold=" + afterHold(rawK));
        out.add("--privacy.maxHoldSeconds=21600");
      }
      return out;
    }

    /** What the variant runs with, for the table's header. */
    static String describe(ServiceConfig c) {
      return String.format(
          Locale.ROOT,
          "k %d, after hold %d, max hold %d h, seed list %s, stamps %s, eviction spread %d d",
          c.privacy().minContributors(),
          c.privacy().minContributorsAfterHold(),
          c.privacy().maxHoldSeconds() / 3600,
          c.universe().seedFile(),
          c.privacy().stampPrecision(),
          c.evict().spreadDays());
    }
  }

  /** The after-hold threshold the earlier table used for a raw k. */
  static int afterHold(int k) {
    return k == 1 ? 1 : k == 3 ? 2 : (k + 1) / 2;
  }

  static ServiceConfig config(
      RedisServer redis, MariaDbServer mysql, Variant variant, String... more) {
    List<String> args = new ArrayList<>();
    args.add("--privacy.secret=" + PRIVACY_SECRET);
    args.addAll(variant.settings());
    args.addAll(Arrays.asList(more));
    return TestConfigs.forServers(redis, mysql, args.toArray(String[]::new));
  }

  /**
   * Tickers by Zipf (s = 1.1) popularity. The head alternates: ranks 0, 2, 4 … up to {@code 2 ×
   * common − 2} are common tickers drawn from the bundled list (what the standard and strict
   * profiles seed), every other rank is a simulated ticker {@code SIMn} no list knows — popular
   * holdings are mostly index members, the long tail is not.
   */
  static final class Popularity {
    final List<String> names;
    final Set<String> common;
    private final double[] cumulative;
    private final double sum;

    Popularity(int tickers, int common, long seed) {
      List<String> bundled = new ArrayList<>(SeedFile.loadBundled());
      Collections.shuffle(bundled, new Random(seed));
      int commonCount = Math.min(common, Math.min(bundled.size(), (tickers + 1) / 2));
      names = new ArrayList<>(tickers);
      this.common = new HashSet<>();
      int c = 0;
      for (int i = 0; i < tickers; i++) {
        if (i % 2 == 0 && c < commonCount) {
          String t = bundled.get(c++);
          names.add(t);
          this.common.add(t);
        } else {
          names.add("SIM" + i);
        }
      }
      cumulative = new double[tickers];
      double s = 0;
      for (int i = 0; i < tickers; i++) {
        s += 1 / Math.pow(i + 1, 1.1);
        cumulative[i] = s;
      }
      sum = s;
    }

    String draw(Random random) {
      int i = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      return names.get(i < 0 ? -i - 1 : i);
    }
  }

  /** Every ticker in the universe table. */
  static Set<String> universe(MariaDbServer mysql) {
    Set<String> out = new HashSet<>();
    for (List<String> row : mysql.query("SELECT yahoo_ticker FROM " + TABLE)) {
      out.add(row.get(0));
    }
    return out;
  }

  /**
   * Waits until the UniverseVerticle has seeded its list (it does so in the background after
   * start-up); a profile without a list returns at once.
   */
  static void awaitSeeded(MariaDbServer mysql, ServiceConfig config) {
    Set<String> seeds = new HashSet<>(SeedFile.forSetting(config.universe().seedFile()));
    if (seeds.isEmpty()) {
      return;
    }
    Awaitility.await("seeding")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> universe(mysql).containsAll(seeds));
  }

  /** Empty Redis and the universe, between variants. */
  static void reset(RedisServer redis, MariaDbServer mysql) {
    redis.flushAll();
    mysql.execute("DELETE FROM " + TABLE);
    mysql.execute("DELETE FROM " + SECRET_TABLE);
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    if (p == 0) {
      return sorted.get(0);
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static String minutes(List<Long> seconds, int p) {
    return seconds.isEmpty()
        ? "-"
        : String.format(Locale.ROOT, "%.1f min", percentile(seconds, p) / 60.0);
  }

  static String percent(int part, int whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * part / whole);
  }
}
