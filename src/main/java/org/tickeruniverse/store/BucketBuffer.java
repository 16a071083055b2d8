package org.tickeruniverse.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The port through which the flush reads and drains the buffer: the bucket sets and their
 * contributor records, exactly the calls {@code flush.FlushJob} makes. {@link BucketStore} is the
 * Redis implementation; tests use an in-memory one (docs/DESIGN.md#ports-and-fakes). It lives in
 * store/, beside its implementation, because the flush already depends on store/ and store/ must
 * not depend on flush/ (no package cycle).
 */
public interface BucketBuffer {

  /** One page of a set's members and the cursor to continue from ("0" when done). */
  record Page(String cursor, List<String> members) {
    public boolean last() {
      return "0".equals(cursor);
    }
  }

  /** Starts of every bucket that exists now, ascending (closed or not). */
  Future<List<Long>> bucketStarts();

  /**
   * One page of at most about {@code count} members of the set at {@code key}, from {@code cursor}
   * ("0": the start). Like SSCAN: every member present for the whole iteration is returned at least
   * once, possibly twice; members added or removed meanwhile may or may not be.
   */
  Future<Page> members(String key, String cursor, int count);

  /**
   * Removes exactly these members from the bucket starting at {@code start} (never the key: late
   * writes into it must survive) and, in the same atomic step, deletes the bucket's contributor
   * record if the set is then empty; returns how many members were removed. One step, so no crash
   * can leave a record without its bucket (docs/DESIGN.md#ports-and-fakes).
   */
  Future<Long> remove(long start, List<String> members);

  /**
   * Element i: distinct contributors of buckets 0..i of {@code starts} (counted per UTC day, the
   * largest day wins); every bucket's set and contributor record get {@code ttlSeconds} again.
   */
  Future<long[]> poolContributors(List<Long> starts, int ttlSeconds);

  /** Members left in the set at {@code key}. */
  Future<Long> size(String key);
}
