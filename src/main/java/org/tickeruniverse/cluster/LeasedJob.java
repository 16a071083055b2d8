package org.tickeruniverse.cluster;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a job at most once at a time on this node and, through a {@link Lease}, on one node of
 * the cluster at a time. A call while a run is under way joins that run instead of starting a
 * second one. Lives on its verticle's event loop (not thread-safe by design).
 */
public final class LeasedJob<T> {

  private final Lease lease;
  private final Supplier<Future<T>> work;
  private Future<Optional<T>> running;

  public LeasedJob(Lease lease, Supplier<Future<T>> work) {
    this.lease = lease;
    this.work = work;
  }

  /**
   * True while a run is under way on this node: a {@link #run()} now joins it. Callers that
   * report a run (log, metrics, events) do so only when they started it, so that a run joined by
   * several requests is reported once.
   */
  public boolean running() {
    return running != null;
  }

  /** The run's result, or empty when another node holds the lease and does the work. */
  public Future<Optional<T>> run() {
    if (running != null) {
      return running;
    }
    Future<Optional<T>> run = lease.acquire().compose(mine -> mine
        ? work.get().map(Optional::of).eventually(lease::release)
        : Future.succeededFuture(Optional.<T>empty()));
    running = run;
    run.onComplete(ar -> {
      if (running == run) {
        running = null;
      }
    });
    return run;
  }
}
