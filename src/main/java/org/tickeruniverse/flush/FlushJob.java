package org.tickeruniverse.flush;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.store.BucketBuffer;
import org.tickeruniverse.store.UniverseTable;
import org.tickeruniverse.store.UpsertCounts;

/**
 * The flush algorithm (docs/DESIGN.md#operations), one run:
 *
 * <ol>
 *   <li>find every bucket key of the prefix (SCAN) and keep the closed ones, oldest first — all of
 *       them, so a run after downtime catches up every missed bucket. They form the publication
 *       pool;
 *   <li>count the pool's distinct contributors and let the {@link PublicationRule} decide which of
 *       its oldest buckets are published now; the rest are held, their TTL renewed
 *       (docs/DESIGN.md#anonymity-the-publication-pool);
 *   <li>for each published bucket, read a page of members (SSCAN), upsert it in sorted multi-row
 *       chunks stamped with the end of the publication's newest bucket — one stamp for the whole
 *       publication, so no row tells which bucket of the pool it came from ({@code
 *       last_referenced_at} at the configured precision, see store.UniverseRepository) — then SREM
 *       exactly the members it wrote; the SREM that empties the set drops the bucket's contributors
 *       HLL in the same atomic step (BucketBuffer#remove), so no crash leaves one without the
 *       other;
 *   <li>when the cursor is back at 0 and members remain (written after the bucket closed), scan
 *       again, a bounded number of times; anything later is the next run's.
 * </ol>
 *
 * <p>Members leave Redis only after MySQL has them, so a failure at any step loses nothing: the
 * next run reads them again, and the upsert of a row already there changes nothing ({@code
 * GREATEST} on the time stamp). Memory is one page at a time, whatever the bucket size.
 */
public final class FlushJob {

  /** Full passes over one bucket per run before leftover late writes wait for the next run. */
  static final int MAX_PASSES = 3;

  /** Pages written concurrently (each takes a connection of the shared pool). */
  static final int WRITES_IN_FLIGHT = 3;

  private final BucketBuffer store;
  private final UniverseTable repository;
  private final Buckets buckets;
  private final int chunkSize;
  private final PublicationRule rule;
  private final int ttlSeconds;
  private final ServiceMetrics metrics;
  private final Supplier<Future<?>> heartbeat;

  /**
   * The writes of the run under way, with their bound {@code universe.maxTickers} (runs never
   * overlap: the lease and the job's single flight). See docs/OPERATIONS.md#universe-at-capacity.
   */
  private UniverseTable.FlushWrites writes;

  /**
   * @param ttlSeconds the TTL held buckets get again on every run (the buffer's TTL)
   * @param metrics where the oldest bucket's age and the pool's meters go
   * @param heartbeat called after every page, e.g. to renew a lease; its failure does not stop the
   *     run (the work is idempotent, so finishing it is always safe)
   */
  public FlushJob(
      BucketBuffer store,
      UniverseTable repository,
      Buckets buckets,
      int chunkSize,
      PublicationRule rule,
      int ttlSeconds,
      ServiceMetrics metrics,
      Supplier<Future<?>> heartbeat) {
    this.store = store;
    this.repository = repository;
    this.buckets = buckets;
    this.chunkSize = chunkSize;
    this.rule = rule;
    this.ttlSeconds = ttlSeconds;
    this.metrics = metrics;
    this.heartbeat = heartbeat;
  }

  public Future<FlushCounts> run() {
    long started = buckets.clock().millis();
    writes = repository.flushWrites();
    return store
        .bucketStarts()
        .compose(
            starts -> {
              reportOldest(starts);
              return publishFrom(
                  starts.stream().filter(buckets::isClosed).toList(), FlushCounts.NONE);
            })
        .map(counts -> counts.withDuration(buckets.clock().millis() - started));
  }

  /**
   * Publishes what the rule allows of {@code pool}, then decides again on the rest: a run after
   * downtime splits the pool where runs at every boundary would have reached k (each publication
   * with its own contributors and stamp), and holds what remains below the threshold.
   */
  private Future<FlushCounts> publishFrom(List<Long> pool, FlushCounts sum) {
    if (pool.isEmpty()) {
      metrics.privacyHeld(0, 0);
      return Future.succeededFuture(sum);
    }
    return store
        .poolContributors(pool, ttlSeconds)
        .compose(
            counts -> {
              PublicationRule.Decision decision =
                  rule.decide(pool, counts, buckets.clock().instant().getEpochSecond());
              if (!decision.publishes()) {
                metrics.privacyHeld(pool.size(), decision.oldestHeldSeconds());
                return Future.succeededFuture(sum.withHeld(pool.size()));
              }
              List<Long> published = pool.subList(0, decision.publish());
              Instant stamp = buckets.stampOf(published.get(published.size() - 1));
              Future<FlushCounts> publication = Future.succeededFuture(FlushCounts.NONE);
              for (long start : published) {
                publication =
                    publication.compose(
                        part -> new BucketFlush(start, stamp).run().map(part::plus));
              }
              return publication.compose(
                  done -> {
                    metrics.privacyPublication(decision.contributors(), decision.belowThreshold());
                    return publishFrom(
                        pool.subList(decision.publish(), pool.size()),
                        sum.plus(done.withContributors(decision.contributors())));
                  });
            });
  }

  /**
   * One bucket's flush. Two things keep it close to a bare client's speed:
   *
   * <ul>
   *   <li>members are written in chunks of exactly {@code chunkSize} whatever the page sizes SSCAN
   *       returns (it treats COUNT as a hint): a page's remainder waits for the next page, so
   *       almost every statement has the same, prepared, shape;
   *   <li>the next page is read from Redis, and the members just written are removed from it, while
   *       the current chunks are written to MySQL.
   * </ul>
   *
   * Members still leave Redis only after their rows are written. Pages are chained through one
   * promise, each started from the previous one's callback — never by returning the next page's
   * future from a {@code compose}, whose nesting overflowed the event loop's stack at the end of a
   * bucket of thousands of pages.
   */
  private final class BucketFlush {

    private final long start;
    private final String key;
    private final Instant stamp;
    private final Promise<FlushCounts> done = Promise.promise();

    /** Members read but not yet written and removed: fewer than a chunk between pages. */
    private List<String> held = new ArrayList<>();

    private FlushCounts total = new FlushCounts(1, 0, 0, 0, 0, 0);
    private int pass = 1;

    /**
     * New tickers refused for capacity in this bucket: they stay, and no further pass reads them.
     */
    private boolean refusedSome;

    /** Members of the chunks being written or removed now (a few pages at most). */
    private final Set<String> inFlight = new HashSet<>();

    /** Page writes under way, oldest first. */
    private final ArrayDeque<Future<Void>> writing = new ArrayDeque<>();

    /** SREMs under way; each starts only after its members' rows are written. */
    private List<Future<Long>> removals = new ArrayList<>();

    BucketFlush(long start, Instant stamp) {
      this.start = start;
      this.key = buckets.key(start);
      this.stamp = stamp;
    }

    Future<FlushCounts> run() {
      step(store.members(key, "0", chunkSize));
      return done.future();
    }

    private void step(Future<BucketBuffer.Page> reading) {
      reading
          .compose(
              page -> {
                held.addAll(page.members());
                total = total.plus(new FlushCounts(0, page.members().size(), 0, 0, 0, 0));
                Future<BucketBuffer.Page> next =
                    page.last() ? null : store.members(key, page.cursor(), chunkSize);
                // The lease renewal is not waited for: its outcome changes nothing here (see
                // heartbeat).
                heartbeat.get();
                Future<Void> write = writeHeld(page.last());
                write.onFailure(done::tryFail);
                writing.add(write);
                // Up to WRITES_IN_FLIGHT pages are written at once, each on its own connection, so
                // MySQL works on several chunks at once instead of idling while the client encodes
                // the
                // next. Every statement takes its row locks in sorted key order, so concurrent
                // writes
                // may wait on each other (a member SSCAN returned twice) but cannot deadlock.
                Future<?> room =
                    writing.size() >= WRITES_IN_FLIGHT ? writing.poll() : Future.succeededFuture();
                return room.map(v -> Optional.ofNullable(next));
              })
          .onSuccess(next -> next.ifPresentOrElse(this::step, this::endOfPass))
          .onFailure(done::tryFail);
    }

    /** Rows written so far in this pass; at the end of a pass the remainder too. */
    private Future<Void> writeHeld(boolean endOfPass) {
      // SSCAN may return a member twice while the set shrinks under our SREMs. A repeat of a
      // member whose write or removal is still under way is dropped here: that write's SREM
      // removes it, and writing it again would count it twice.
      held.removeIf(inFlight::contains);
      Chunks.Sorted sorted = Chunks.sort(held, chunkSize);
      List<List<String>> chunks = sorted.chunks();
      List<String> keep = List.of();
      if (!endOfPass && !chunks.isEmpty() && chunks.get(chunks.size() - 1).size() < chunkSize) {
        keep = chunks.get(chunks.size() - 1);
        chunks = chunks.subList(0, chunks.size() - 1);
      }
      List<String> written = new ArrayList<>(sorted.rejected());
      chunks.forEach(written::addAll);
      held = new ArrayList<>(keep);
      inFlight.addAll(written);
      Future<UpsertCounts> upserted = Future.succeededFuture(UpsertCounts.NONE);
      for (List<String> chunk : chunks) {
        upserted = upserted.compose(sum -> writes.insertOrBump(chunk, stamp).map(sum::plus));
      }
      upserted.onFailure(e -> written.forEach(inFlight::remove));
      return upserted.map(
          counts -> {
            total =
                total.plus(
                    new FlushCounts(
                            0, 0, counts.inserted(), counts.bumped(), sorted.rejected().size(), 0)
                        .withRefusedCapacity(counts.refused().size()));
            // Refused members (universe full) are not removed: they stay in the bucket for a later
            // run (docs/OPERATIONS.md#universe-at-capacity).
            List<String> removed = written;
            if (!counts.refused().isEmpty()) {
              refusedSome = true;
              Set<String> refused = new HashSet<>(counts.refused());
              removed = written.stream().filter(m -> !refused.contains(m)).toList();
              refused.forEach(inFlight::remove);
            }
            // Removal runs while the next chunks are written; the pass waits for all of them. The
            // members stay "in flight" until they are removed: SSCAN may return one again
            // meanwhile,
            // and writing it twice would count it twice.
            List<String> gone = removed;
            // The removal that empties the set also drops its contributors record, atomically.
            Future<Long> removal = store.remove(start, gone);
            removal.onComplete(ar -> gone.forEach(inFlight::remove));
            removals.add(removal);
            return null;
          });
    }

    private void endOfPass() {
      List<Future<Void>> writes = new ArrayList<>(writing);
      writing.clear();
      Future.all(writes)
          .compose(
              v -> {
                // every write has queued its removal by now
                Future<?> removed = Future.all(removals);
                removals = new ArrayList<>();
                return removed;
              })
          .onFailure(done::tryFail)
          .onSuccess(
              v -> {
                if (pass >= MAX_PASSES || refusedSome) {
                  done.complete(total);
                } else {
                  nextPassIfMembersLeft();
                }
              });
    }

    private void nextPassIfMembersLeft() {
      store
          .size(key)
          .onSuccess(
              left -> {
                if (left == 0) {
                  done.complete(total);
                } else {
                  pass++;
                  step(store.members(key, "0", chunkSize));
                }
              })
          .onFailure(done::tryFail);
    }
  }

  private void reportOldest(List<Long> starts) {
    long now = buckets.clock().instant().getEpochSecond();
    long age =
        starts.stream()
            .filter(buckets::isClosed)
            .findFirst()
            .map(s -> now - buckets.endOf(s))
            .orElse(0L);
    metrics.oldestUnflushedBucketAge(age);
  }
}
