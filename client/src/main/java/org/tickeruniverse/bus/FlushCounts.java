package org.tickeruniverse.bus;

import io.vertx.core.json.JsonObject;

/**
 * What one flush run did: closed buckets published, members read from Redis, rows inserted, rows
 * whose {@code last_referenced_at} moved, members dropped as invalid (written by another writer
 * with a looser grammar), closed buckets held back for want of contributors, the distinct
 * contributors of what was published (the smallest publication's when a run published several, 0
 * when it published nothing), how long it took, and new tickers not published because the universe
 * was full ({@code refusedCapacity}: they stay in the buffer, see
 * docs/OPERATIONS.md#universe-at-capacity; a ticker a later run refuses again is counted again).
 * Counts only: nothing here names a bucket, a ticker or a contributor
 * (docs/DESIGN.md#anonymity-the-publication-pool).
 */
public record FlushCounts(
    long buckets,
    long read,
    long inserted,
    long bumped,
    long rejected,
    long held,
    long contributors,
    long durationMillis,
    long refusedCapacity) {

  public static final FlushCounts NONE = new FlushCounts(0, 0, 0, 0, 0, 0, 0, 0);

  /** The counts of a run that refused nothing for capacity. */
  public FlushCounts(
      long buckets,
      long read,
      long inserted,
      long bumped,
      long rejected,
      long held,
      long contributors,
      long durationMillis) {
    this(buckets, read, inserted, bumped, rejected, held, contributors, durationMillis, 0);
  }

  /** The counts of a run that held nothing and published without a contributor count. */
  public FlushCounts(
      long buckets, long read, long inserted, long bumped, long rejected, long durationMillis) {
    this(buckets, read, inserted, bumped, rejected, 0, 0, durationMillis);
  }

  /**
   * Sums two parts of a run. Contributors are not additive: the sum keeps the smaller non-zero
   * count, so a run of several publications reports the weakest one's anonymity set.
   */
  public FlushCounts plus(FlushCounts o) {
    long c =
        contributors == 0
            ? o.contributors
            : o.contributors == 0 ? contributors : Math.min(contributors, o.contributors);
    return new FlushCounts(
        buckets + o.buckets,
        read + o.read,
        inserted + o.inserted,
        bumped + o.bumped,
        rejected + o.rejected,
        held + o.held,
        c,
        durationMillis + o.durationMillis,
        refusedCapacity + o.refusedCapacity);
  }

  public FlushCounts withDuration(long millis) {
    return new FlushCounts(
        buckets, read, inserted, bumped, rejected, held, contributors, millis, refusedCapacity);
  }

  public FlushCounts withHeld(long heldBuckets) {
    return new FlushCounts(
        buckets,
        read,
        inserted,
        bumped,
        rejected,
        heldBuckets,
        contributors,
        durationMillis,
        refusedCapacity);
  }

  public FlushCounts withContributors(long n) {
    return new FlushCounts(
        buckets, read, inserted, bumped, rejected, held, n, durationMillis, refusedCapacity);
  }

  public FlushCounts withRefusedCapacity(long n) {
    return new FlushCounts(
        buckets, read, inserted, bumped, rejected, held, contributors, durationMillis, n);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("buckets", buckets)
        .put("read", read)
        .put("inserted", inserted)
        .put("bumped", bumped)
        .put("rejected", rejected)
        .put("held", held)
        .put("contributors", contributors)
        .put(Messages.DURATION_MILLIS, durationMillis)
        .put("refusedCapacity", refusedCapacity);
  }

  public static FlushCounts fromJson(JsonObject json) {
    return new FlushCounts(
        json.getLong("buckets", 0L),
        json.getLong("read", 0L),
        json.getLong("inserted", 0L),
        json.getLong("bumped", 0L),
        json.getLong("rejected", 0L),
        json.getLong("held", 0L),
        json.getLong("contributors", 0L),
        json.getLong(Messages.DURATION_MILLIS, 0L),
        json.getLong("refusedCapacity", 0L));
  }
}
