package org.tickeruniverse.privacy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.support.MutableClock;
import org.tickeruniverse.support.ServiceHarness;
import org.tickeruniverse.support.TestConfigs;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RedisServer;

/**
 * Measures what the publication pool buys and costs (docs/DESIGN.md#anonymity-the-publication-pool;
 * run by scripts/privacy-sim.sh, not part of the test suite).
 *
 * <p>A day of uploads from N users is replayed through the real verticles (BufferVerticle,
 * FlushVerticle) on a real Redis and MariaDB, with an injected clock moved bucket by bucket and a
 * flush requested at every boundary + grace, as the timer would. Each user holds a portfolio drawn
 * from a skewed (Zipf) popularity over a few hundred tickers and uploads all of it at Poisson
 * random times (one upload in five first adds a holding); users are told apart by the bus's {@code
 * contributor} field. Printed per N and k: the anonymity set (distinct contributors) of each
 * publication, the share of new tickers (first appearance in the universe) published with a set of
 * 1, and the time from a new ticker's first upload to its publication (publication − upload, the
 * flush moment minus the upload moment; the k=1 row is the baseline: half a bucket plus grace on
 * average).
 *
 * <p>Arguments (all optional): hours (24), users (3,10,100), ks (1,3,5), tickers (300), mean hours
 * between a user's uploads (2), max hold seconds (21600), seed (1).
 */
public final class PrivacySimulation {

  static final long BUCKET = 300;
  static final long GRACE = 5;
  static final String TABLE = "ticker_universe.ticker_universe";

  record Result(
      int users,
      int k,
      int afterHold,
      List<Long> sets,
      int newTickers,
      int newWithOne,
      List<Long> delays,
      int unpublished,
      int uploads) {}

  public static void main(String[] args) {
    // Only the table goes to standard output: the service's per-run log lines are switched off.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int hours = arg(args, 0, 24);
    int[] users = ints(args, 1, "3,10,100");
    int[] ks = ints(args, 2, "1,3,5");
    int tickers = arg(args, 3, 300);
    double meanGapHours = args.length > 4 ? Double.parseDouble(args[4]) : 2.0;
    int maxHold = arg(args, 5, 21_600);
    long seed = args.length > 6 ? Long.parseLong(args[6]) : 1;
    List<Result> results = new ArrayList<>();
    long started = System.nanoTime();
    try (RedisServer redis = RedisServer.create();
        MariaDbServer mysql = MariaDbServer.create()) {
      Migrations.migrate(TestConfigs.forServers(redis, mysql).mysql());
      for (int n : users) {
        List<Upload> day = uploads(n, hours, tickers, meanGapHours, new Random(seed * 1000 + n));
        for (int k : ks) {
          int afterHold = afterHold(k);
          redis.flushAll();
          mysql.execute("DELETE FROM " + TABLE);
          results.add(run(redis, mysql, n, k, afterHold, maxHold, hours, day));
          Result r = results.get(results.size() - 1);
          System.err.printf(
              Locale.ROOT,
              "N=%d k=%d done (%d uploads, %d publications)%n",
              n,
              k,
              r.uploads(),
              r.sets().size());
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d simulated hours; %d tickers, Zipf popularity (s=1.1), portfolios of 5-15 "
            + "growing by one in 1 of 5 uploads; uploads of the whole portfolio at Poisson times, mean %.1f h apart per user; max hold %d s; "
            + "after-hold threshold %s; seed %d; %.0f s wall time%n%n",
        hours,
        tickers,
        meanGapHours,
        maxHold,
        "k=1:1, k=3:2, k=5:3",
        seed,
        (System.nanoTime() - started) / 1e9);
    System.out.println(
        "| users N | k (after hold) | uploads | publications | anonymity set min / median | "
            + "new tickers | published with a set of 1 | delay to publication, median / p95 | never published |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %d (%d) | %d | %d | %s / %s | %d | %s | %s / %s | %d |%n",
          r.users(),
          r.k(),
          r.afterHold(),
          r.uploads(),
          r.sets().size(),
          r.sets().isEmpty() ? "-" : String.valueOf(percentile(r.sets(), 0)),
          r.sets().isEmpty() ? "-" : String.valueOf(percentile(r.sets(), 50)),
          r.newTickers(),
          r.newTickers() == 0
              ? "-"
              : String.format(Locale.ROOT, "%.0f%%", 100.0 * r.newWithOne() / r.newTickers()),
          minutes(r.delays(), 50),
          minutes(r.delays(), 95),
          r.unpublished());
    }
    // The test support's Redis client keeps one Vert.x (non-daemon threads) for the life of the
    // JVM, which test runners end themselves; a tool ends explicitly once its table is out.
    System.exit(0);
  }

  /** The profile documented in the README: after the hold, a little over half of k suffices. */
  static int afterHold(int k) {
    return k == 1 ? 1 : k == 3 ? 2 : (k + 1) / 2;
  }

  record Upload(long at, int user, List<String> tickers) {}

  static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");

  static List<Upload> uploads(int n, int hours, int tickers, double meanGapHours, Random random) {
    double[] cumulative = new double[tickers];
    double sum = 0;
    for (int i = 0; i < tickers; i++) {
      sum += 1 / Math.pow(i + 1, 1.1);
      cumulative[i] = sum;
    }
    List<Upload> out = new ArrayList<>();
    long end = DAY.getEpochSecond() + hours * 3600L;
    for (int u = 0; u < n; u++) {
      Set<String> portfolio = new java.util.TreeSet<>();
      int size = 5 + random.nextInt(11);
      while (portfolio.size() < size) {
        portfolio.add(draw(cumulative, sum, random));
      }
      double t = DAY.getEpochSecond();
      while (true) {
        t += -Math.log(1 - random.nextDouble()) * meanGapHours * 3600;
        if (t >= end) {
          break;
        }
        // Portfolios drift: one upload in five adds a holding, so new tickers keep appearing
        // during the day, not only at each user's first upload.
        if (random.nextDouble() < 0.2) {
          portfolio.add(draw(cumulative, sum, random));
        }
        out.add(new Upload((long) t, u, List.copyOf(portfolio)));
      }
    }
    out.sort((a, b) -> Long.compare(a.at(), b.at()));
    return out;
  }

  /** A ticker drawn by popularity: ticker i with weight 1 / (i + 1)^1.1. */
  static String draw(double[] cumulative, double sum, Random random) {
    int i = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
    return "SIM" + (i < 0 ? -i - 1 : i);
  }

  static Result run(
      RedisServer redis,
      MariaDbServer mysql,
      int n,
      int k,
      int afterHold,
      int maxHold,
      int hours,
      List<Upload> day) {
    // Start just after a boundary + grace: the verticle's own timer is then ~5 minutes of real
    // time away, longer than one run takes, so every flush is one of ours.
    MutableClock clock = new MutableClock(DAY.plusSeconds(GRACE + 1));
    List<Long> sets = new ArrayList<>();
    List<Long> delays = new ArrayList<>();
    Map<String, Long> firstUpload = new HashMap<>();
    Set<String> published = new HashSet<>();
    int newWithOne = 0;
    try (ServiceHarness service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=buffer,flush",
                "--upsert.enabled=false",
                "--privacy.minContributors=" + k,
                "--privacy.minContributorsAfterHold=" + afterHold,
                "--privacy.maxHoldSeconds=" + maxHold,
                "--privacy.secret=simulation-secret-0123456789"),
            clock)) {
      int next = 0;
      // The day, then as long again as the hold, so held pools get their chance to be released.
      long last = DAY.getEpochSecond() + hours * 3600L + maxHold + BUCKET;
      for (long boundary = DAY.getEpochSecond() + BUCKET; boundary <= last; boundary += BUCKET) {
        while (next < day.size() && day.get(next).at() < boundary) {
          Upload u = day.get(next++);
          clock.set(Instant.ofEpochSecond(u.at()));
          service.request(
              Addresses.BUFFER, Messages.bufferRequest(u.tickers(), "user-" + u.user()));
          for (String t : u.tickers()) {
            firstUpload.putIfAbsent(t, u.at());
          }
        }
        long flushAt = boundary + GRACE;
        clock.set(Instant.ofEpochSecond(flushAt));
        JsonObject counts = service.request(Addresses.FLUSH, new JsonObject());
        if (counts.getLong("buckets") > 0) {
          long set = counts.getLong("contributors");
          sets.add(set);
          if (counts.getLong("inserted") > 0) {
            for (List<String> row : mysql.query("SELECT yahoo_ticker FROM " + TABLE)) {
              String t = row.get(0);
              if (published.add(t)) {
                delays.add(flushAt - firstUpload.get(t));
                if (set == 1) {
                  newWithOne++;
                }
              }
            }
          }
        }
      }
    }
    int unpublished =
        (int) firstUpload.keySet().stream().filter(t -> !published.contains(t)).count();
    return new Result(
        n, k, afterHold, sets, published.size(), newWithOne, delays, unpublished, day.size());
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

  private static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }

  private static int[] ints(String[] args, int i, String dflt) {
    return Arrays.stream((args.length > i ? args[i] : dflt).split(","))
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  private PrivacySimulation() {}
}
