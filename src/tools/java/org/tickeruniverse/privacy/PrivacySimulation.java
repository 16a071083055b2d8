package org.tickeruniverse.privacy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.privacy.SimulationSupport.Popularity;
import org.tickeruniverse.privacy.SimulationSupport.Variant;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * Measures what the privacy profiles buy and cost (docs/DESIGN.md#anonymity-the-publication-pool,
 * README "What the service hides"; run by scripts/privacy-sim.sh, not part of the test suite). Two
 * scenarios, both through the real verticles on a real Redis and MariaDB with an injected clock;
 * each variant is configured by its profile alone ({@link Variant}), so the figures describe what
 * ships.
 *
 * <p><b>pool</b>: a day of uploads from N users (BufferVerticle, FlushVerticle, UniverseVerticle
 * seeding the profile's list), the clock moved bucket by bucket and a flush requested at every
 * boundary + grace, as the timer would. Each user holds a portfolio drawn from a skewed (Zipf)
 * popularity over a few hundred tickers whose head alternates bundled common tickers and simulated
 * ones ({@link Popularity}), and uploads all of it at Poisson random times (one upload in five
 * first adds a holding); users are told apart by the bus's {@code contributor} field. A <em>new
 * ticker</em> is one not in the universe when it is published: neither seeded nor published before
 * in the run. Printed per N and variant: the anonymity set (distinct contributors) of each
 * publication, the share of new tickers published with a set of 1, the time from a new ticker's
 * first upload to its publication and the delay added to it: its publication under the variant
 * minus its publication under {@code off} (same uploads).
 *
 * <p><b>evict</b>: see {@link EvictionSimulation}.
 *
 * <p>Arguments, all optional, {@code --name=value}: {@code scenario} (both | pool | evict), {@code
 * profiles} (off,standard,strict; {@code k=N} entries add the off profile with a raw k), {@code
 * users} (3,10,100), {@code hours} (24), {@code tickers} (300), {@code common} (50: bundled tickers
 * in the popularity head), {@code gap-hours} (2: mean hours between a user's uploads), {@code seed}
 * (1), and for the eviction scenario {@code evict-users} (30), {@code leave-day} (30), {@code days}
 * (0: as many as the leavers' tickers need, leave day + TTL + spread + 2), {@code evict-profiles}
 * (off,standard,strict).
 */
public final class PrivacySimulation {

  static final long BUCKET = 300;
  static final long GRACE = 5;
  static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");

  record Result(
      int users,
      Variant variant,
      String settings,
      List<Long> sets,
      int distinctUploaded,
      int alreadyInUniverse,
      int newTickers,
      int newWithOne,
      List<Long> delays,
      Map<String, Long> publishedAt,
      int unpublished,
      int uploads) {}

  record Options(Map<String, String> values) {
    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (String a : args) {
        if (!a.startsWith("--") || !a.contains("=")) {
          throw new IllegalArgumentException("arguments are --name=value: " + a);
        }
        values.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
      Set<String> known =
          Set.of(
              "scenario",
              "profiles",
              "users",
              "hours",
              "tickers",
              "common",
              "gap-hours",
              "seed",
              "evict-users",
              "evict-tickers",
              "leave-day",
              "days",
              "evict-profiles");
      for (String k : values.keySet()) {
        if (!known.contains(k)) {
          throw new IllegalArgumentException("unknown argument --" + k + "; known: " + known);
        }
      }
      return new Options(values);
    }

    String get(String name, String dflt) {
      return values.getOrDefault(name, dflt);
    }

    int getInt(String name, int dflt) {
      return Integer.parseInt(get(name, String.valueOf(dflt)));
    }

    int[] ints(String name, String dflt) {
      return Arrays.stream(get(name, dflt).split(",")).mapToInt(Integer::parseInt).toArray();
    }
  }

  public static void main(String[] args) {
    // Only the tables go to standard output: the service's per-run log lines are switched off.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Options o = Options.parse(args);
    String scenario = o.get("scenario", "both");
    if (!List.of("both", "pool", "evict").contains(scenario)) {
      throw new IllegalArgumentException("--scenario is both, pool or evict: " + scenario);
    }
    long started = System.nanoTime();
    try (RedisServer redis = RedisServer.create();
        MariaDbServer mysql = MariaDbServer.create()) {
      Migrations.migrate(TestConfigs.forServers(redis, mysql).mysql());
      if (!scenario.equals("evict")) {
        pool(redis, mysql, o);
      }
      if (!scenario.equals("pool")) {
        EvictionSimulation.run(redis, mysql, o);
      }
    }
    System.out.printf(
        Locale.ROOT, "Total wall time %.0f s.%n", (System.nanoTime() - started) / 1e9);
    // The test support's Redis client keeps one Vert.x (non-daemon threads) for the life of the
    // JVM, which test runners end themselves; a tool ends explicitly once its tables are out.
    System.exit(0);
  }

  static void pool(RedisServer redis, MariaDbServer mysql, Options o) {
    int hours = o.getInt("hours", 24);
    int[] users = o.ints("users", "3,10,100");
    List<Variant> variants = Variant.parseAll(o.get("profiles", "off,standard,strict"));
    int tickers = o.getInt("tickers", 300);
    int common = o.getInt("common", 50);
    double meanGapHours = Double.parseDouble(o.get("gap-hours", "2"));
    long seed = Long.parseLong(o.get("seed", "1"));
    Popularity popularity = new Popularity(tickers, common, seed);
    List<Result> results = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    long started = System.nanoTime();
    for (int n : users) {
      List<Upload> day = uploads(n, hours, popularity, meanGapHours, new Random(seed * 1000 + n));
      for (Variant v : variants) {
        SimulationSupport.reset(redis, mysql);
        Result r = run(redis, mysql, n, v, hours, day);
        results.add(r);
        settings.put(v.label(), r.settings());
        System.err.printf(
            Locale.ROOT,
            "pool: N=%d %s done (%d uploads, %d publications)%n",
            n,
            v.label(),
            r.uploads(),
            r.sets().size());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "### Publication pool: %d simulated hours, N users%n%n"
            + "%d tickers of Zipf popularity (s = 1.1), the %d most popular ranks alternating %d"
            + " bundled common tickers and simulated ones; portfolios of 5-15, growing by one in"
            + " 1 of 5 uploads; uploads of the whole portfolio at Poisson times, mean %.1f h apart"
            + " per user; seed %d; %.0f s wall time. Variants:%n%n",
        hours,
        tickers,
        Math.min(tickers, 2 * common),
        Math.min(common, (tickers + 1) / 2),
        meanGapHours,
        seed,
        (System.nanoTime() - started) / 1e9);
    settings.forEach((label, s) -> System.out.printf(Locale.ROOT, "- `%s`: %s%n", label, s));
    System.out.println();
    System.out.println(
        "| users N | profile | uploads | publications | anonymity set min / median "
            + "| uploaded tickers (already in the universe) | new tickers "
            + "| new published with a set of 1 | delay to publication, p50 / p95 "
            + "| added delay vs off, p50 / p95 | never published |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Result r : results) {
      Result off =
          results.stream()
              .filter(x -> x.users() == r.users() && x.variant().isOff())
              .findFirst()
              .orElse(null);
      List<Long> added = new ArrayList<>();
      if (off != null) {
        r.publishedAt()
            .forEach(
                (t, at) -> {
                  Long offAt = off.publishedAt().get(t);
                  if (offAt != null) {
                    added.add(at - offAt);
                  }
                });
      }
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %d | %d | %s / %s | %d (%d) | %d | %s | %s / %s | %s | %d |%n",
          r.users(),
          r.variant().label(),
          r.uploads(),
          r.sets().size(),
          r.sets().isEmpty() ? "-" : String.valueOf(SimulationSupport.percentile(r.sets(), 0)),
          r.sets().isEmpty() ? "-" : String.valueOf(SimulationSupport.percentile(r.sets(), 50)),
          r.distinctUploaded(),
          r.alreadyInUniverse(),
          r.newTickers(),
          SimulationSupport.percent(r.newWithOne(), r.newTickers()),
          SimulationSupport.minutes(r.delays(), 50),
          SimulationSupport.minutes(r.delays(), 95),
          off == null
              ? "-"
              : SimulationSupport.minutes(added, 50) + " / " + SimulationSupport.minutes(added, 95),
          r.unpublished());
    }
    System.out.println();
  }

  record Upload(long at, int user, List<String> tickers) {}

  static List<Upload> uploads(
      int n, int hours, Popularity popularity, double meanGapHours, Random random) {
    List<Upload> out = new ArrayList<>();
    long end = DAY.getEpochSecond() + hours * 3600L;
    for (int u = 0; u < n; u++) {
      Set<String> portfolio = new TreeSet<>();
      int size = 5 + random.nextInt(11);
      while (portfolio.size() < size) {
        portfolio.add(popularity.draw(random));
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
          portfolio.add(popularity.draw(random));
        }
        out.add(new Upload((long) t, u, List.copyOf(portfolio)));
      }
    }
    out.sort((a, b) -> Long.compare(a.at(), b.at()));
    return out;
  }

  static Result run(
      RedisServer redis, MariaDbServer mysql, int n, Variant variant, int hours, List<Upload> day) {
    // Start just after a boundary + grace: the verticle's own timer is then ~5 minutes of real
    // time away, longer than one run takes, so every flush is one of ours.
    MutableClock clock = new MutableClock(DAY.plusSeconds(GRACE + 1));
    List<Long> sets = new ArrayList<>();
    List<Long> delays = new ArrayList<>();
    Map<String, Long> firstUpload = new HashMap<>();
    Map<String, Long> publishedAt = new HashMap<>();
    int newWithOne = 0;
    ServiceConfig config =
        SimulationSupport.config(redis, mysql, variant, "--node.verticles=buffer,flush,universe");
    try (ServiceHarness service = ServiceHarness.start(config, clock)) {
      SimulationSupport.awaitSeeded(mysql, config);
      Set<String> inUniverse = new HashSet<>(SimulationSupport.universe(mysql));
      Set<String> atStart = Set.copyOf(inUniverse);
      int next = 0;
      // The day, then as long again as the hold, so held pools get their chance to be released.
      long last = DAY.getEpochSecond() + hours * 3600L + config.privacy().maxHoldSeconds() + BUCKET;
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
            for (String t : SimulationSupport.universe(mysql)) {
              if (inUniverse.add(t)) {
                publishedAt.put(t, flushAt);
                delays.add(flushAt - firstUpload.get(t));
                if (set == 1) {
                  newWithOne++;
                }
              }
            }
          }
        }
      }
      int unpublished =
          (int) firstUpload.keySet().stream().filter(t -> !inUniverse.contains(t)).count();
      int already = (int) firstUpload.keySet().stream().filter(atStart::contains).count();
      return new Result(
          n,
          variant,
          Variant.describe(config),
          sets,
          firstUpload.size(),
          already,
          publishedAt.size(),
          newWithOne,
          delays,
          publishedAt,
          unpublished,
          day.size());
    }
  }

  private PrivacySimulation() {}
}
