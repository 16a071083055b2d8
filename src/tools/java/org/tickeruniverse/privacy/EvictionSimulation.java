package org.tickeruniverse.privacy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.privacy.PrivacySimulation.Options;
import org.tickeruniverse.privacy.SimulationSupport.Popularity;
import org.tickeruniverse.privacy.SimulationSupport.Variant;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;

/**
 * The eviction scenario of {@link PrivacySimulation}: can a reader of the universe tell which
 * tickers belonged to one person who stopped using the service? (docs/DESIGN.md#evict)
 *
 * <p>N users hold portfolios (the pool scenario's popularity); every day each active user uploads
 * the whole portfolio once, at a uniformly random time between 07:00 and 23:00 UTC, and one user in
 * twenty swaps a holding for another first. A third of the users stop on the leave day. The real
 * BufferVerticle, FlushVerticle, EvictVerticle and UniverseVerticle (seeding the profile's list)
 * run with the clock moved event by event: uploads, a flush at every closed bucket's boundary +
 * grace and every hour (releases after the hold), and the eviction requested once a day at the
 * configured time, after which the table is read to note which tickers left that day.
 *
 * <p>A leaver's <em>unique tickers</em> are the tickers of its last upload that nobody else
 * uploaded on or after that day — exactly those that leave the universe because it left — less the
 * bundled common tickers (seeded under standard and strict, and the same set under every profile).
 * Printed per profile: the share of leavers with at least two unique tickers whose unique tickers
 * all left the universe on the same day — a group a reader can attribute to one departure — and the
 * mean number of distinct eviction days per such leaver. The eviction secret is derived from the
 * seed (written where EvictJob would draw it), so a seed replays the same days.
 */
final class EvictionSimulation {

  private static final long DAY_SECONDS = 86_400;

  private EvictionSimulation() {}

  record Result(
      Variant variant,
      String settings,
      int users,
      int leavers,
      int withNone,
      int withOne,
      int measured,
      int sameDay,
      double meanDays,
      int uniqueTickers,
      int notEvicted,
      long rowsEvicted,
      int days,
      double wallSeconds) {}

  static void run(RedisServer redis, MariaDbServer mysql, Options o) {
    int[] users = o.ints("evict-users", "30,100");
    List<Variant> variants = Variant.parseAll(o.get("evict-profiles", "off,standard,strict"));
    int tickers = o.getInt("evict-tickers", 1000);
    int common = o.getInt("common", 50);
    int leaveDay = o.getInt("leave-day", 30);
    long seed = Long.parseLong(o.get("seed", "1"));
    // One horizon for every variant: whether a ticker stays unique to a leaver depends on the
    // uploads after it left, so every variant must see the same ones.
    int days = o.getInt("days", 0);
    if (days <= 0) {
      for (Variant v : variants) {
        ServiceConfig c = SimulationSupport.config(redis, mysql, v);
        days = Math.max(days, leaveDay + c.evict().ttlDays() + c.evict().spreadDays() + 2);
      }
    }
    Popularity popularity = new Popularity(tickers, common, seed);
    List<Result> results = new ArrayList<>();
    for (int n : users) {
      for (Variant v : variants) {
        SimulationSupport.reset(redis, mysql);
        Result r = run(redis, mysql, v, n, leaveDay, days, popularity, seed);
        results.add(r);
        System.err.printf(
            Locale.ROOT,
            "evict: N=%d %s done (%d days, %.0f s)%n",
            n,
            v.label(),
            r.days(),
            r.wallSeconds());
      }
    }
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    results.forEach(r -> settings.put(r.variant().label(), r.settings()));
    System.out.printf(
        Locale.ROOT,
        "### Eviction: a third of the users leave on day %d%n%n"
            + "%d tickers of Zipf popularity, the head as above (a longer tail than the pool"
            + " scenario's: holdings nobody else has); each active user uploads its whole portfolio once a day (07:00-23:00 UTC), one in"
            + " twenty swapping a holding first; the day's flushes and the daily eviction by the"
            + " real verticles; simulated until every leaver's unique tickers are gone (TTL +"
            + " spread, the same days for every profile); seed %d; %.0f s wall time. Variants:%n%n",
        leaveDay,
        tickers,
        seed,
        results.stream().mapToDouble(Result::wallSeconds).sum());
    settings.forEach((label, s) -> System.out.printf(Locale.ROOT, "- `%s`: %s%n", label, s));
    System.out.println();
    System.out.println(
        "| users N | profile | days | leavers (0 / 1 / ≥ 2 unique tickers) "
            + "| unique tickers of those with ≥ 2 | all unique tickers left on one day "
            + "| distinct eviction days per leaver, mean | rows evicted | still present at the end |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %d | %d (%d / %d / %d) | %d | %d of %d (%s) | %s | %d | %d |%n",
          r.users(),
          r.variant().label(),
          r.days(),
          r.leavers(),
          r.withNone(),
          r.withOne(),
          r.measured(),
          r.uniqueTickers(),
          r.sameDay(),
          r.measured(),
          SimulationSupport.percent(r.sameDay(), r.measured()),
          r.measured() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.meanDays()),
          r.rowsEvicted(),
          r.notEvicted());
    }
    System.out.println();
  }

  /** One event of the day, in time order; flushes and evictions before uploads at equal times. */
  private record Event(long at, int kind, int user) {
    static final int EVICT = 0;
    static final int FLUSH = 1;
    static final int UPLOAD = 2;
  }

  static Result run(
      RedisServer redis,
      MariaDbServer mysql,
      Variant variant,
      int n,
      int leaveDay,
      int days,
      Popularity popularity,
      long seed) {
    long wallStart = System.nanoTime();
    Random random = new Random(seed * 7919 + n);
    List<Set<String>> portfolios = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      Set<String> p = new TreeSet<>();
      int size = 5 + random.nextInt(11);
      while (p.size() < size) {
        p.add(popularity.draw(random));
      }
      portfolios.add(p);
    }
    // Every third user leaves: portfolios are drawn alike, so which ones does not matter.
    Set<Integer> leavers = new HashSet<>();
    for (int u = 0; u < n; u += 3) {
      leavers.add(u);
    }
    mysql.execute(
        "INSERT INTO "
            + SimulationSupport.SECRET_TABLE
            + " (name, secret) VALUES ('evict.spread', '"
            + sha256Hex("privacy-sim-evict-" + seed)
            + "')");
    ServiceConfig config =
        SimulationSupport.config(
            redis,
            mysql,
            variant,
            "--node.verticles=buffer,flush,evict,universe",
            // The seeds are renewed by the UniverseVerticle's periodic timer, which runs on wall
            // time: at one simulated day in well under a second, it must tick every second to
            // renew them daily as it would in service (else they expire after the TTL).
            "--universe.refreshSeconds=1");
    long evictOffset = config.evict().dailyAtUtc().toSecondOfDay();
    // Upload bookkeeping for the unique tickers: the last day each ticker was uploaded, by whom.
    Map<String, Integer> lastDay = new HashMap<>();
    Map<String, Set<Integer>> lastDayUploaders = new HashMap<>();
    List<Set<String>> finalUpload = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      finalUpload.add(Set.of());
    }
    Map<String, Integer> evictedOn = new HashMap<>();
    long rowsEvicted = 0;
    long start = PrivacySimulation.DAY.getEpochSecond();
    // Just after a boundary + grace, and long before the next eviction time: the verticles' own
    // timers are minutes and hours of wall time away, so the flushes and evictions are ours.
    MutableClock clock =
        new MutableClock(Instant.ofEpochSecond(start + PrivacySimulation.GRACE + 1));
    try (ServiceHarness service = ServiceHarness.start(config, clock)) {
      SimulationSupport.awaitSeeded(mysql, config);
      Set<String> present = SimulationSupport.universe(mysql);
      for (int d = 0; d < days; d++) {
        long dayStart = start + d * DAY_SECONDS;
        List<Event> events = new ArrayList<>();
        events.add(new Event(dayStart + evictOffset, Event.EVICT, -1));
        for (int h = 0; h < 24; h++) {
          events.add(new Event(dayStart + h * 3600L + PrivacySimulation.GRACE, Event.FLUSH, -1));
        }
        Set<Long> bucketFlushes = new HashSet<>();
        for (int u = 0; u < n; u++) {
          if (d >= leaveDay && leavers.contains(u)) {
            continue;
          }
          long at = dayStart + 7 * 3600L + (long) (random.nextDouble() * 16 * 3600);
          events.add(new Event(at, Event.UPLOAD, u));
          long boundary = (at / PrivacySimulation.BUCKET + 1) * PrivacySimulation.BUCKET;
          if (bucketFlushes.add(boundary)) {
            events.add(new Event(boundary + PrivacySimulation.GRACE, Event.FLUSH, -1));
          }
        }
        events.sort(Comparator.comparingLong(Event::at).thenComparingInt(Event::kind));
        for (Event e : events) {
          clock.set(Instant.ofEpochSecond(e.at()));
          switch (e.kind()) {
            case Event.EVICT -> {
              JsonObject deleted = service.request(Addresses.EVICT, new JsonObject());
              long count = deleted.getLong(Messages.DELETED);
              rowsEvicted += count;
              if (count > 0) {
                Set<String> now = SimulationSupport.universe(mysql);
                for (String t : present) {
                  if (!now.contains(t)) {
                    evictedOn.put(t, d);
                  }
                }
                present = now;
              }
            }
            case Event.FLUSH -> {
              JsonObject counts = service.request(Addresses.FLUSH, new JsonObject());
              if (counts.getLong("inserted") > 0) {
                present = SimulationSupport.universe(mysql);
              }
            }
            default -> {
              Set<String> portfolio = portfolios.get(e.user());
              if (random.nextDouble() < 0.05) {
                // A swap: one holding sold, another bought.
                List<String> held = new ArrayList<>(portfolio);
                portfolio.remove(held.get(random.nextInt(held.size())));
                while (portfolio.size() < held.size()) {
                  portfolio.add(popularity.draw(random));
                }
              }
              List<String> upload = List.copyOf(portfolio);
              service.request(Addresses.BUFFER, Messages.bufferRequest(upload, "user-" + e.user()));
              finalUpload.set(e.user(), Set.copyOf(upload));
              for (String t : upload) {
                Integer was = lastDay.put(t, d);
                if (was == null || was != d) {
                  lastDayUploaders.put(t, new HashSet<>());
                }
                lastDayUploaders.get(t).add(e.user());
              }
            }
          }
        }
      }
      int withNone = 0;
      int withOne = 0;
      int measured = 0;
      int sameDay = 0;
      int uniqueTickers = 0;
      int notEvicted = 0;
      long distinctDays = 0;
      for (int u : leavers) {
        List<String> unique = new ArrayList<>();
        for (String t : finalUpload.get(u)) {
          if (!popularity.common.contains(t)
              && lastDay.get(t) == leaveDay - 1
              && lastDayUploaders.get(t).equals(Set.of(u))) {
            unique.add(t);
          }
        }
        if (unique.isEmpty()) {
          withNone++;
          continue;
        }
        if (unique.size() == 1) {
          withOne++;
          continue;
        }
        measured++;
        uniqueTickers += unique.size();
        Set<Integer> daysOut = new HashSet<>();
        for (String t : unique) {
          if (present.contains(t) || !evictedOn.containsKey(t)) {
            notEvicted++;
          } else {
            daysOut.add(evictedOn.get(t));
          }
        }
        distinctDays += daysOut.size();
        if (daysOut.size() == 1 && unique.stream().noneMatch(present::contains)) {
          sameDay++;
        }
      }
      return new Result(
          variant,
          Variant.describe(config) + ", eviction daily at " + LocalTime.ofSecondOfDay(evictOffset),
          n,
          leavers.size(),
          withNone,
          withOne,
          measured,
          sameDay,
          measured == 0 ? 0 : (double) distinctDays / measured,
          uniqueTickers,
          notEvicted,
          rowsEvicted,
          days,
          (System.nanoTime() - wallStart) / 1e9);
    }
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
