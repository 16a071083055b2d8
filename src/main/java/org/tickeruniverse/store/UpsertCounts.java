package org.tickeruniverse.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What a flush's write did: rows it created, rows that already existed and were referenced again
 * (their {@code last_referenced_at} is now at least the bucket's end; it moved unless it was
 * already there, e.g. after a refresh in the same bucket or a repeated flush), and the new tickers
 * it did not write because the universe is full ({@code universe.maxTickers}; they stay in the
 * buffer, see docs/OPERATIONS.md#universe-at-capacity). {@code refused} holds at most a page's
 * chunks.
 */
public record UpsertCounts(long inserted, long bumped, List<String> refused) {

  public static final UpsertCounts NONE = new UpsertCounts(0, 0);

  public UpsertCounts(long inserted, long bumped) {
    this(inserted, bumped, List.of());
  }

  public UpsertCounts plus(UpsertCounts o) {
    List<String> both = refused;
    if (!o.refused.isEmpty()) {
      both = new ArrayList<>(refused);
      both.addAll(o.refused);
    }
    return new UpsertCounts(inserted + o.inserted, bumped + o.bumped, both);
  }
}
