package org.tickeruniverse.evict;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.tickeruniverse.store.UniverseTable;

/**
 * Deletes rows not referenced within the TTL, in batches of at most {@code batchSize} rows with a
 * short pause between batches: each DELETE holds its locks briefly, and point reads of the table
 * stay fast while a large eviction runs. The cut-offs are fixed when the run starts, so a run
 * always ends.
 *
 * <p>With a spread, each stale row goes on a day keyed per ticker by a secret, within {@code
 * spreadDays} days after the TTL ({@link EvictCutoffs}, docs/DESIGN.md#evict); the run first makes
 * sure that secret exists in MySQL, where every node finds the same one.
 */
public final class EvictJob {

  private final Vertx vertx;
  private final UniverseTable repository;
  private final Clock clock;
  private final int ttlDays;
  private final int spreadDays;
  private final int batchSize;
  private final long pauseMillis;

  public EvictJob(
      Vertx vertx,
      UniverseTable repository,
      Clock clock,
      int ttlDays,
      int spreadDays,
      int batchSize,
      long pauseMillis) {
    this.vertx = vertx;
    this.repository = repository;
    this.clock = clock;
    this.ttlDays = ttlDays;
    this.spreadDays = spreadDays;
    this.batchSize = batchSize;
    this.pauseMillis = pauseMillis;
  }

  /** Rows deleted. */
  public Future<Long> run() {
    EvictCutoffs cutoffs = EvictCutoffs.at(clock.instant(), ttlDays, spreadDays);
    Promise<Long> done = Promise.promise();
    Future<Void> keyed =
        cutoffs.spread() ? repository.ensureEvictionSecret() : Future.succeededFuture();
    keyed.onSuccess(v -> batches(cutoffs, 0, done)).onFailure(done::fail);
    return done.future();
  }

  /**
   * Each batch starts from the previous one's callback: no future nests per batch (see FlushJob).
   */
  private void batches(EvictCutoffs cutoffs, long deletedSoFar, Promise<Long> done) {
    repository
        .evictBatch(cutoffs.ttl(), cutoffs.all(), cutoffs.spreadDays(), batchSize)
        .compose(
            deleted -> {
              long total = deletedSoFar + deleted;
              if (deleted < batchSize) {
                done.complete(total);
                return Future.succeededFuture();
              }
              return pause()
                  .map(
                      v -> {
                        batches(cutoffs, total, done);
                        return null;
                      });
            })
        .onFailure(done::tryFail);
  }

  private Future<Void> pause() {
    return pauseMillis <= 0 ? Future.succeededFuture() : vertx.timer(pauseMillis).mapEmpty();
  }
}
