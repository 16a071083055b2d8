package org.tickeruniverse.store;

/** Rows a multi-row upsert created, and existing rows whose {@code last_referenced_at} moved. */
public record UpsertCounts(long inserted, long bumped) {

  public static final UpsertCounts NONE = new UpsertCounts(0, 0);

  public UpsertCounts plus(UpsertCounts o) {
    return new UpsertCounts(inserted + o.inserted, bumped + o.bumped);
  }
}
