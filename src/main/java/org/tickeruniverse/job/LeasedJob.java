package org.tickeruniverse.job;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a job at most once at a time on this node and, through a {@link Lease}, on one node of the
 * cluster at a time. A call while a run is under way joins that run instead of starting a second
 * one. Lives on its verticle's event loop (not thread-safe by design).
 */
public final class LeasedJob<T> {

  private final SingleFlight<Optional<T>> runs;

  public LeasedJob(Lease lease, Supplier<Future<T>> work) {
    // Joined rather than queued: the schedule and the lease retry start the next run.
    this.runs =
        new SingleFlight<>(
            () ->
                lease
                    .acquire()
                    .compose(
                        mine ->
                            mine
                                ? work.get().map(Optional::of).eventually(lease::release)
                                : Future.succeededFuture(Optional.<T>empty())));
  }

  /**
   * True while a run is under way on this node: a {@link #run()} now joins it. Callers that report
   * a run (log, metrics, events) do so only when they started it, so that a run joined by several
   * requests is reported once.
   */
  public boolean running() {
    return runs.running();
  }

  /** The run's result, or empty when another node holds the lease and does the work. */
  public Future<Optional<T>> run() {
    return runs.join();
  }
}
