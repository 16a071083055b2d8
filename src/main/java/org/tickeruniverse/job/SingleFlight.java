package org.tickeruniverse.job;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * One run of an asynchronous job in flight at a time, and at most one more queued behind it. Used
 * wherever bursts of triggers (events from every node, timers, requests) must not pile up loads:
 * the universe snapshot's reload, the HTTP edge's copy of it, a leased job.
 *
 * <ul>
 *   <li>{@link #join()}: the run under way, or a new one when none is. For callers that want "a
 *       result", not "a result that saw my change".
 *   <li>{@link #again()}: a run that starts after the current one, shared by every caller that asks
 *       while the current one runs. For triggers that announce a change the running load may have
 *       missed.
 * </ul>
 *
 * <p>Not thread-safe by design: it lives on its owner's event loop.
 */
public final class SingleFlight<T> {

  private final Supplier<Future<T>> work;
  private Future<T> running;
  private Promise<T> queued;

  public SingleFlight(Supplier<Future<T>> work) {
    this.work = work;
  }

  /** True while a run is under way. */
  public boolean running() {
    return running != null;
  }

  /** The run under way, or a new one. */
  public Future<T> join() {
    return running != null ? running : start();
  }

  /** A new run now when idle; otherwise the one queued run after the current one. */
  public Future<T> again() {
    if (running == null) {
      return start();
    }
    if (queued == null) {
      queued = Promise.promise();
    }
    return queued.future();
  }

  private Future<T> start() {
    Future<T> run;
    try {
      run = work.get();
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    running = run;
    run.onComplete(
        ar -> {
          running = null;
          Promise<T> next = queued;
          if (next != null) {
            queued = null;
            start().onComplete(next);
          }
        });
    return run;
  }
}
