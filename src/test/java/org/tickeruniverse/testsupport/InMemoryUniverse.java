package org.tickeruniverse.testsupport;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tickeruniverse.evict.EvictCutoffs;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.store.UniverseTable;
import org.tickeruniverse.store.UpsertCounts;

/**
 * The universe table in memory, statement by statement as UniverseRepository sends them, each one
 * {@link StoreCalls} step (a test can fail between them): {@code INSERT IGNORE}, then — when some
 * rows existed — the refresh, then — when a row vanished between the two — the upsert. {@code
 * maxTickers} admits a chunk's new tickers in sorted order and refuses the rest. Eviction deletes
 * oldest first, at most a batch, with the spread offset of {@link EvictCutoffs#offsetDays} (the
 * Java twin of the SQL); without the secret the SQL's offset is NULL and only rows before the
 * all-cut-off go.
 */
public final class InMemoryUniverse implements UniverseTable {

  /** One row of the table. */
  public record Row(Instant firstSeenAt, Instant lastReferencedAt) {}

  private final StampPrecision precision;
  private final long maxTickers;
  private final StoreCalls calls;
  private final Random secrets = new Random(17);
  private final TreeMap<String, Row> rows = new TreeMap<>();
  private String evictionSecret;

  public InMemoryUniverse(StampPrecision precision, StoreCalls calls) {
    this(precision, Long.MAX_VALUE, calls);
  }

  public InMemoryUniverse(StampPrecision precision, long maxTickers, StoreCalls calls) {
    this.precision = precision;
    this.maxTickers = maxTickers;
    this.calls = calls;
  }

  public void put(String ticker, Instant firstSeenAt, Instant lastReferencedAt) {
    rows.put(ticker, new Row(firstSeenAt, lastReferencedAt));
  }

  /** The whole table, by ticker. */
  public Map<String, Row> rows() {
    return new TreeMap<>(rows);
  }

  /** The spread's secret, null until the first run with a spread created it. */
  public String evictionSecret() {
    return evictionSecret;
  }

  @Override
  public FlushWrites flushWrites() {
    return (sortedTickers, stamp) -> {
      if (sortedTickers.isEmpty()) {
        return Future.succeededFuture(UpsertCounts.NONE);
      }
      // The bound, as UniverseRepository.Capacity applies it: new tickers in sorted order while
      // there is room (writes of the fake never overlap, so counting now is counting at the start).
      List<String> write = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      long room = maxTickers - rows.size();
      for (String t : sortedTickers) {
        if (rows.containsKey(t) || room-- > 0) {
          write.add(t);
        } else {
          refused.add(t);
        }
      }
      return insertOrBump(write, stamp)
          .map(c -> new UpsertCounts(c.inserted(), c.bumped(), List.copyOf(refused)));
    };
  }

  private Future<UpsertCounts> insertOrBump(List<String> sorted, Instant stamp) {
    int n = sorted.size();
    if (n == 0) {
      return Future.succeededFuture(UpsertCounts.NONE);
    }
    Row fresh = new Row(stamp, precision.lastReferenced(stamp));
    return calls
        .call("insertIgnore", () -> insertMissing(sorted, fresh))
        .compose(
            created -> {
              if (created >= n) {
                return Future.succeededFuture(new UpsertCounts(n, 0));
              }
              return calls
                  .call("refresh", () -> refresh(sorted, fresh.lastReferencedAt()))
                  .compose(
                      matched -> {
                        UpsertCounts counts =
                            new UpsertCounts(created + n - matched, Math.max(0, matched - created));
                        if (matched >= n) {
                          return Future.succeededFuture(counts);
                        }
                        return calls.call(
                            "upsert",
                            () -> {
                              insertMissing(sorted, fresh);
                              refresh(sorted, fresh.lastReferencedAt());
                              return counts;
                            });
                      });
            });
  }

  private int insertMissing(List<String> tickers, Row fresh) {
    int created = 0;
    for (String t : tickers) {
      if (rows.putIfAbsent(t, fresh) == null) {
        created++;
      }
    }
    return created;
  }

  /** {@code GREATEST} on {@code last_referenced_at} of the rows that exist; their count. */
  private int refresh(List<String> tickers, Instant referenced) {
    int matched = 0;
    for (String t : tickers) {
      Row row = rows.get(t);
      if (row != null) {
        matched++;
        if (referenced.isAfter(row.lastReferencedAt())) {
          rows.put(t, new Row(row.firstSeenAt(), referenced));
        }
      }
    }
    return matched;
  }

  @Override
  public Future<Void> ensureEvictionSecret() {
    return calls.call(
        "ensureEvictionSecret",
        () -> {
          if (evictionSecret == null) {
            byte[] key = new byte[32];
            secrets.nextBytes(key);
            evictionSecret = HexFormat.of().formatHex(key);
          }
          return null;
        });
  }

  @Override
  public Future<Integer> evictBatch(
      Instant ttlCutoff, Instant allCutoff, int spreadDays, int limit) {
    return calls.call(
        "evictBatch",
        () -> {
          List<Map.Entry<String, Row>> doomed =
              rows.entrySet().stream()
                  .filter(e -> evicts(e.getKey(), e.getValue(), ttlCutoff, allCutoff, spreadDays))
                  .sorted(Comparator.comparing(e -> e.getValue().lastReferencedAt()))
                  .limit(limit)
                  .toList();
          doomed.forEach(e -> rows.remove(e.getKey()));
          return doomed.size();
        });
  }

  private boolean evicts(String ticker, Row row, Instant ttl, Instant all, int spreadDays) {
    Instant last = row.lastReferencedAt();
    if (!last.isBefore(ttl)) {
      return false;
    }
    if (spreadDays <= 1 || last.isBefore(all)) {
      return true;
    }
    if (evictionSecret == null) {
      return false;
    }
    int offset = EvictCutoffs.offsetDays(evictionSecret, ticker, spreadDays);
    return last.isBefore(ttl.minus(Duration.ofDays(offset)));
  }
}
