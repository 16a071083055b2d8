package org.tickeruniverse.it.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RedisServer;

/** Small helpers shared by the fault scenarios: store state, pids, the one-line figures. */
final class Faults {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final String PREFIX = "ticker_universe";

  private Faults() {}

  /** The figure the lead quotes: one line per scenario, easy to grep ({@code [fault]}). */
  static void figure(String scenario, String text) {
    System.out.println("[fault] " + scenario + ": " + text);
  }

  static long redisPid(RedisServer redis) {
    Matcher m =
        Pattern.compile("process_id:(\\d+)")
            .matcher(String.valueOf(redis.command("INFO", "server")));
    if (!m.find()) {
      throw new IllegalStateException("no process_id in INFO server");
    }
    return Long.parseLong(m.group(1));
  }

  /** Empty stores between scenarios; the table may not exist yet (no service migrated it). */
  static void reset(RedisServer redis, MariaDbServer mysql) {
    redis.flushAll();
    try {
      mysql.execute("TRUNCATE TABLE " + TABLE);
    } catch (RuntimeException noTableYet) {
      // created by the first service's migration
    }
  }

  static long rows(MariaDbServer mysql) {
    try {
      return Long.parseLong(mysql.query("SELECT COUNT(*) FROM " + TABLE).get(0).get(0));
    } catch (RuntimeException noTableYet) {
      return 0;
    }
  }

  static Set<String> tickersLike(MariaDbServer mysql, String prefix) {
    Set<String> out = new HashSet<>();
    for (List<String> row :
        mysql.query(
            "SELECT yahoo_ticker FROM " + TABLE + " WHERE yahoo_ticker LIKE '" + prefix + "%'")) {
      out.add(row.get(0));
    }
    return out;
  }

  /** A bucket an hour old (closed for any clock) filled with {@code n} tickers {@code name0…}. */
  static String fillOldBucket(RedisServer redis, String name, int n) {
    long start = Math.floorDiv(Instant.now().getEpochSecond() - 3600, 300) * 300;
    String key = PREFIX + ":buffer:" + start;
    for (int from = 0; from < n; from += 1000) {
      List<String> sadd = new ArrayList<>(List.of("SADD", key));
      for (int i = from; i < Math.min(n, from + 1000); i++) {
        sadd.add(name + i);
      }
      redis.command(sadd.toArray(String[]::new));
    }
    redis.command("EXPIRE", key, "7200");
    return key;
  }

  /**
   * The stamp every row of a bucket starting at {@code start} carries: its end, as MariaDB prints
   * it.
   */
  static String stampOf(String bucketKey, int bucketSeconds) {
    long start = Long.parseLong(bucketKey.substring(bucketKey.lastIndexOf(':') + 1));
    return Instant.ofEpochSecond(start + bucketSeconds)
        .toString()
        .replace('T', ' ')
        .replace("Z", ".000000");
  }
}
