package org.tickeruniverse.testsupport;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.privacy.ContributorKey;
import org.tickeruniverse.store.BucketBuffer;

/**
 * The buffer in memory, with what Redis guarantees that the flush relies on: bucket sets and their
 * contributor records under the keys of {@link Buckets}, with TTLs on the buckets' clock; the SREM
 * that empties a set deletes its record too (one Lua script in Redis); SSCAN-like pages return
 * every member present for the whole scan; pool counts per UTC day, the largest day winning, a
 * bucket without a record counting the one "unknown" contributor, exact where a HyperLogLog
 * estimates. Every port call goes through {@link StoreCalls}, which may fail it.
 */
public final class InMemoryBuckets implements BucketBuffer {

  private static final class Key {
    final Set<String> members = new TreeSet<>();
    long expiresAtMillis = Long.MAX_VALUE;
  }

  private final Buckets buckets;
  private final int writeTtlSeconds;
  private final StoreCalls calls;
  private final Map<String, Key> keys = new HashMap<>();
  private boolean repeatOnNextPage;

  public InMemoryBuckets(Buckets buckets, int writeTtlSeconds, StoreCalls calls) {
    this.buckets = buckets;
    this.writeTtlSeconds = writeTtlSeconds;
    this.calls = calls;
  }

  /** Each page starts again with the previous page's last member if still there (SSCAN may). */
  public InMemoryBuckets repeatingMembers() {
    repeatOnNextPage = true;
    return this;
  }

  /** What BufferScript does for one upload: SADD, PFADD of {@code contributor}, EXPIRE both. */
  public void write(long start, String contributor, String... tickers) {
    writeWithoutContributors(start, tickers);
    Key hll = live(buckets.contributorsKey(start), true);
    hll.members.add(contributor);
    hll.expiresAtMillis = now() + writeTtlSeconds * 1000L;
  }

  /** Another writer of the same format: a set with no contributor record. */
  public void writeWithoutContributors(long start, String... tickers) {
    Key set = live(buckets.key(start), true);
    set.members.addAll(List.of(tickers));
    set.expiresAtMillis = now() + writeTtlSeconds * 1000L;
  }

  /** Members of the bucket now (empty when its key is gone). */
  public Set<String> members(long start) {
    Key set = live(buckets.key(start), false);
    return set == null ? Set.of() : Set.copyOf(set.members);
  }

  public boolean hasContributors(long start) {
    return live(buckets.contributorsKey(start), false) != null;
  }

  /** Every live key, sets and contributor records alike. */
  public Set<String> keys() {
    keys.values().removeIf(k -> k.expiresAtMillis <= now());
    return Set.copyOf(keys.keySet());
  }

  @Override
  public Future<List<Long>> bucketStarts() {
    return calls.call(
        "bucketStarts",
        () -> {
          TreeSet<Long> starts = new TreeSet<>();
          for (String key : keys()) {
            buckets.parseKey(key).ifPresent(starts::add);
          }
          return new ArrayList<>(starts);
        });
  }

  /** The cursor is the last member returned: members come in sorted order, so none is skipped. */
  @Override
  public Future<Page> members(String key, String cursor, int count) {
    return calls.call(
        "members",
        () -> {
          Key set = live(key, false);
          if (set == null) {
            return new Page("0", List.of());
          }
          TreeSet<String> sorted = (TreeSet<String>) set.members;
          String after = "0".equals(cursor) ? null : cursor.substring(1);
          List<String> page = new ArrayList<>();
          int limit = count;
          if (after != null && repeatOnNextPage && sorted.contains(after)) {
            page.add(after);
            limit++;
          }
          for (String m : after == null ? sorted : sorted.tailSet(after, false)) {
            if (page.size() >= limit) {
              break;
            }
            page.add(m);
          }
          String last = page.isEmpty() ? null : page.get(page.size() - 1);
          boolean more = last != null && sorted.higher(last) != null;
          return new Page(more ? ">" + last : "0", page);
        });
  }

  /** As BucketStore's script: SREM, and DEL of the record when the set is left empty, as one. */
  @Override
  public Future<Long> remove(long start, List<String> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return calls.call(
        "remove",
        () -> {
          String key = buckets.key(start);
          Key set = live(key, false);
          long removed =
              set == null ? 0 : members.stream().distinct().filter(set.members::remove).count();
          if (set != null && set.members.isEmpty()) {
            keys.remove(key);
          }
          if (live(key, false) == null) {
            keys.remove(buckets.contributorsKey(start));
          }
          return removed;
        });
  }

  @Override
  public Future<long[]> poolContributors(List<Long> starts, int ttlSeconds) {
    if (starts.isEmpty()) {
      return Future.succeededFuture(new long[0]);
    }
    return calls.call(
        "poolContributors",
        () -> {
          Map<LocalDate, Set<String>> perDay = new HashMap<>();
          long[] out = new long[starts.size()];
          long best = 0;
          long expires = now() + ttlSeconds * 1000L;
          for (int i = 0; i < starts.size(); i++) {
            long start = starts.get(i);
            Set<String> day =
                perDay.computeIfAbsent(buckets.utcDateOf(start), d -> new TreeSet<>());
            Key hll = live(buckets.contributorsKey(start), false);
            if (hll != null) {
              day.addAll(hll.members);
              hll.expiresAtMillis = expires;
            } else {
              day.add(ContributorKey.UNKNOWN);
            }
            Key set = live(buckets.key(start), false);
            if (set != null) {
              set.expiresAtMillis = expires;
            }
            best = Math.max(best, day.size());
            out[i] = best;
          }
          return out;
        });
  }

  @Override
  public Future<Long> size(String key) {
    return calls.call(
        "size",
        () -> {
          Key set = live(key, false);
          return set == null ? 0L : (long) set.members.size();
        });
  }

  private Key live(String key, boolean create) {
    Key k = keys.get(key);
    if (k != null && k.expiresAtMillis <= now()) {
      keys.remove(key);
      k = null;
    }
    if (k == null && create) {
      k = new Key();
      keys.put(key, k);
    }
    return k;
  }

  private long now() {
    return buckets.clock().millis();
  }
}
