package org.tickeruniverse.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * The port through which the flush and the eviction change the universe table: exactly the calls
 * {@code flush.FlushJob} and {@code evict.EvictJob} make. {@link UniverseRepository} is the MySQL
 * implementation; tests use an in-memory one (docs/DESIGN.md#ports-and-fakes). In store/ beside its
 * implementation, as {@link BucketBuffer}, so that no package cycle appears.
 */
public interface UniverseTable {

  /** The writes of one flush run, bounded together by {@code universe.maxTickers}. */
  interface FlushWrites {

    /**
     * Writes one sorted, distinct chunk stamped {@code stamp}: creates missing rows ({@code
     * first_seen_at} = stamp), moves {@code last_referenced_at} of the others forward only
     * (GREATEST), and says how many were created, bumped, and refused for capacity (not written).
     */
    Future<UpsertCounts> insertOrBump(List<String> sortedTickers, Instant stamp);
  }

  /** A fresh writer for one flush run (its capacity bound counted once, at its first write). */
  FlushWrites flushWrites();

  /** Makes sure the secret that keys the eviction spread exists (created once per database). */
  Future<Void> ensureEvictionSecret();

  /**
   * Deletes at most {@code limit} rows, oldest first, last referenced before {@code ttlCutoff}
   * minus the ticker's offset of {@code 0 ≤ offset < spreadDays} days; rows before {@code
   * allCutoff} go whatever their offset. Returns how many.
   */
  Future<Integer> evictBatch(Instant ttlCutoff, Instant allCutoff, int spreadDays, int limit);
}
