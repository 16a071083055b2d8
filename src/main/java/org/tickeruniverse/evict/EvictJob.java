package org.tickeruniverse.evict;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Deletes rows not referenced within the TTL, in batches of at most {@code batchSize} rows with a
 * short pause between batches: each DELETE holds its locks briefly, and point reads of the table
 * stay fast while a large eviction runs. The cut-off is fixed when the run starts, so a run always
 * ends.
 */
public final class EvictJob {

  private final Vertx vertx;
  private final UniverseRepository repository;
  private final Clock clock;
  private final Duration ttl;
  private final int batchSize;
  private final long pauseMillis;

  public EvictJob(
      Vertx vertx,
      UniverseRepository repository,
      Clock clock,
      Duration ttl,
      int batchSize,
      long pauseMillis) {
    this.vertx = vertx;
    this.repository = repository;
    this.clock = clock;
    this.ttl = ttl;
    this.batchSize = batchSize;
    this.pauseMillis = pauseMillis;
  }

  /** Rows deleted. */
  public Future<Long> run() {
    Promise<Long> done = Promise.promise();
    batches(clock.instant().minus(ttl), 0, done);
    return done.future();
  }

  /**
   * Each batch starts from the previous one's callback: no future nests per batch (see FlushJob).
   */
  private void batches(Instant cutoff, long deletedSoFar, Promise<Long> done) {
    repository
        .evictBatch(cutoff, batchSize)
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
                        batches(cutoff, total, done);
                        return null;
                      });
            })
        .onFailure(done::tryFail);
  }

  private Future<Void> pause() {
    return pauseMillis <= 0 ? Future.succeededFuture() : vertx.timer(pauseMillis).mapEmpty();
  }
}
