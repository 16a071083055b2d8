package org.tickeruniverse.bus;

import io.vertx.core.json.JsonObject;

/**
 * What one flush run did: closed buckets visited, members read from Redis, rows inserted, rows
 * whose {@code last_referenced_at} moved, members dropped as invalid (written by another writer
 * with a looser grammar), and how long it took.
 */
public record FlushCounts(long buckets, long read, long inserted, long bumped, long rejected, long durationMillis) {

  public static final FlushCounts NONE = new FlushCounts(0, 0, 0, 0, 0, 0);

  public FlushCounts plus(FlushCounts o) {
    return new FlushCounts(buckets + o.buckets, read + o.read, inserted + o.inserted,
        bumped + o.bumped, rejected + o.rejected, durationMillis + o.durationMillis);
  }

  public FlushCounts withDuration(long millis) {
    return new FlushCounts(buckets, read, inserted, bumped, rejected, millis);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("buckets", buckets)
        .put("read", read)
        .put("inserted", inserted)
        .put("bumped", bumped)
        .put("rejected", rejected)
        .put(Messages.DURATION_MILLIS, durationMillis);
  }

  public static FlushCounts fromJson(JsonObject json) {
    return new FlushCounts(json.getLong("buckets", 0L), json.getLong("read", 0L),
        json.getLong("inserted", 0L), json.getLong("bumped", 0L), json.getLong("rejected", 0L),
        json.getLong(Messages.DURATION_MILLIS, 0L));
  }
}
