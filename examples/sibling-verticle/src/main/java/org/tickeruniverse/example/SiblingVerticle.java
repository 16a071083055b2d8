package org.tickeruniverse.example;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.List;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.UniverseClient;

/**
 * What a sibling verticle does with {@link UniverseClient}: subscribes to {@code flushed} events,
 * buffers tickers, lists the universe, and once a flush published its tickers lists it again. The
 * outcome is {@link #result()}: the published list, or the first failure.
 */
public final class SiblingVerticle extends VerticleBase {

  private final List<String> tickers;
  private final String contributor;
  private final Promise<List<String>> result = Promise.promise();
  private UniverseClient universe;
  private static final int READS = 20;
  private boolean waiting;

  public SiblingVerticle(List<String> tickers, String contributor) {
    this.tickers = List.copyOf(tickers);
    this.contributor = contributor;
  }

  /** Completes with the universe after a flush that published every buffered ticker. */
  public Future<List<String>> result() {
    return result.future();
  }

  @Override
  public Future<?> start() {
    universe = UniverseClient.create(vertx);
    // Subscribed (cluster-wide) before the upload, so the flush of our bucket cannot be missed.
    Future<Void> subscribed = universe.onFlushed(this::flushed).completion();
    return subscribed
        .compose(v -> universe.buffer(tickers, contributor))
        .compose(
            n -> {
              System.out.printf("buffered %d tickers: %s%n", n, tickers);
              return universe.list();
            })
        .onSuccess(
            list -> System.out.printf("universe before the flush: %d tickers%n", list.size()))
        .onFailure(result::tryFail);
  }

  private void flushed(FlushCounts counts) {
    System.out.printf("flushed event: %s%n", counts.toJson().encode());
    if (!waiting) {
      waiting = true;
      awaitPublished(0);
    }
  }

  /**
   * The universe verticle reloads its snapshot on the same event, so the list can lag the event by
   * a moment (docs/CLUSTER.md): read it again every 500 ms, at most {@value #READS} times.
   */
  private void awaitPublished(int attempt) {
    universe
        .list()
        .onSuccess(
            list -> {
              if (list.containsAll(tickers)) {
                System.out.printf("universe after the flush: %d tickers%n", list.size());
                result.tryComplete(list);
              } else if (attempt + 1 >= READS) {
                waiting = false; // perhaps another bucket's flush: the next event reads again
                System.out.printf("buffered tickers not listed yet (%d tickers)%n", list.size());
              } else {
                vertx.setTimer(500, t -> awaitPublished(attempt + 1));
              }
            })
        .onFailure(result::tryFail);
  }
}
