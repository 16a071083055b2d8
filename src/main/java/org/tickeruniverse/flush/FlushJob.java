package org.tickeruniverse.flush;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.store.UpsertCounts;

/**
 * The flush algorithm (SPEC §4), one run:
 *
 * <ol>
 *   <li>find every bucket key of the prefix (SCAN) and keep the closed ones, oldest first — all
 *       of them, so a run after downtime catches up every missed bucket;
 *   <li>for each, read a page of members (SSCAN), upsert it in sorted multi-row chunks stamped
 *       with the bucket's end, then SREM exactly the members it wrote;
 *   <li>when the cursor is back at 0 and members remain (written after the bucket closed),
 *       scan again, a bounded number of times; anything later is the next run's.
 * </ol>
 *
 * <p>Members leave Redis only after MySQL has them, so a failure at any step loses nothing: the
 * next run reads them again, and the upsert of a row already there changes nothing
 * ({@code GREATEST} on the time stamp). Memory is one page at a time, whatever the bucket size.
 */
public final class FlushJob {

  /** Full passes over one bucket per run before leftover late writes wait for the next run. */
  static final int MAX_PASSES = 3;

  private final BucketStore store;
  private final UniverseRepository repository;
  private final Buckets buckets;
  private final int chunkSize;
  private final Supplier<Future<?>> heartbeat;

  /**
   * @param heartbeat called after every page, e.g. to renew a lease; its failure does not stop
   *     the run (the work is idempotent, so finishing it is always safe)
   */
  public FlushJob(BucketStore store, UniverseRepository repository, Buckets buckets, int chunkSize,
                  Supplier<Future<?>> heartbeat) {
    this.store = store;
    this.repository = repository;
    this.buckets = buckets;
    this.chunkSize = chunkSize;
    this.heartbeat = heartbeat;
  }

  public Future<FlushCounts> run() {
    long started = buckets.clock().millis();
    return store.bucketStarts().compose(starts -> {
      reportOldest(starts);
      Future<FlushCounts> total = Future.succeededFuture(FlushCounts.NONE);
      for (long start : starts) {
        if (buckets.isClosed(start)) {
          total = total.compose(sum -> flushBucket(start).map(sum::plus));
        }
      }
      return total;
    }).map(counts -> counts.withDuration(buckets.clock().millis() - started));
  }

  /**
   * Pages are chained through one promise, each started from the previous one's callback, never
   * by returning the next page's future from the previous one's {@code compose}: such nesting
   * completes thousands of futures inside each other at the end of a large bucket and overflows
   * the event loop's stack (seen with 4,000 pages).
   */
  private Future<FlushCounts> flushBucket(long start) {
    Promise<FlushCounts> done = Promise.promise();
    page(buckets.key(start), buckets.stampOf(start), "0", new FlushCounts(1, 0, 0, 0, 0, 0), 1, done);
    return done.future();
  }

  private void page(String key, Instant stamp, String cursor, FlushCounts sum, int pass,
                    Promise<FlushCounts> done) {
    store.members(key, cursor, chunkSize)
        .compose(page -> writeThenRemove(key, page.members(), stamp)
            .compose(counts -> heartbeat.get().otherwiseEmpty().map(x -> counts))
            .map(counts -> new PageDone(page, sum.plus(counts))))
        .compose(step -> {
          if (!step.page().last()) {
            page(key, stamp, step.page().cursor(), step.total(), pass, done);
          } else if (pass >= MAX_PASSES) {
            done.complete(step.total());
          } else {
            return store.size(key).map(left -> {
              if (left == 0) {
                done.complete(step.total());
              } else {
                page(key, stamp, "0", step.total(), pass + 1, done);
              }
              return null;
            });
          }
          return Future.succeededFuture();
        })
        .onFailure(done::tryFail);
  }

  private record PageDone(BucketStore.Page page, FlushCounts total) {
  }

  private Future<FlushCounts> writeThenRemove(String key, List<String> members, Instant stamp) {
    if (members.isEmpty()) {
      return Future.succeededFuture(FlushCounts.NONE);
    }
    Chunks.Sorted sorted = Chunks.sort(members, chunkSize);
    Future<UpsertCounts> written = Future.succeededFuture(UpsertCounts.NONE);
    for (List<String> chunk : sorted.chunks()) {
      written = written.compose(sum -> repository.upsert(chunk, stamp).map(sum::plus));
    }
    return written.compose(upserted -> store.remove(key, members).map(removed ->
        new FlushCounts(0, members.size(), upserted.inserted(), upserted.bumped(), sorted.rejected().size(), 0)));
  }

  private void reportOldest(List<Long> starts) {
    long now = buckets.clock().instant().getEpochSecond();
    long age = starts.stream()
        .filter(buckets::isClosed)
        .findFirst()
        .map(s -> now - buckets.endOf(s))
        .orElse(0L);
    ServiceMetrics.get().oldestUnflushedBucketAge(age);
  }
}
