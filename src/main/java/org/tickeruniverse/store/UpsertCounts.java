package org.tickeruniverse.store;

/**
 * What a flush's write did: rows it created, and rows that already existed and were referenced
 * again (their {@code last_referenced_at} is now at least the bucket's end; it moved unless it was
 * already there, e.g. after a refresh in the same bucket or a repeated flush).
 */
public record UpsertCounts(long inserted, long bumped) {

  public static final UpsertCounts NONE = new UpsertCounts(0, 0);

  public UpsertCounts plus(UpsertCounts o) {
    return new UpsertCounts(inserted + o.inserted, bumped + o.bumped);
  }
}
