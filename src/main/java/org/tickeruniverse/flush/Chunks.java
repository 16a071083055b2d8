package org.tickeruniverse.flush;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tickeruniverse.ticker.Ticker;

/** Pure helpers of the flush: split a page of members into sorted, valid, bounded chunks. */
final class Chunks {

  private Chunks() {}

  /** A page of bucket members sorted into what may be written and what must be dropped. */
  record Sorted(List<List<String>> chunks, List<String> rejected) {
    long valid() {
      return chunks.stream().mapToLong(List::size).sum();
    }
  }

  /**
   * Members are written as they are stored (a writer of the same format normalised them); ones that
   * do not pass our grammar — another writer may have been looser — are rejected: removed from the
   * bucket, never written to the table.
   */
  static Sorted sort(List<String> members, int chunkSize) {
    TreeSet<String> valid = new TreeSet<>();
    List<String> rejected = new ArrayList<>();
    for (String m : members) {
      if (Ticker.isValid(m)) {
        valid.add(m);
      } else {
        rejected.add(m);
      }
    }
    List<List<String>> chunks = new ArrayList<>();
    List<String> current = new ArrayList<>(Math.min(chunkSize, valid.size()));
    for (String t : valid) {
      current.add(t);
      if (current.size() == chunkSize) {
        chunks.add(current);
        current = new ArrayList<>(chunkSize);
      }
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return new Sorted(chunks, rejected);
  }
}
