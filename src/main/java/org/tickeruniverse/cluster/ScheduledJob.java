package org.tickeruniverse.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A leased job (flush, evict) run on three occasions: on a wall-clock schedule, on request, and —
 * when another node held the lease — once more when that lease should be gone, so that a holder
 * that died delays the work by at most one lease rather than until the next scheduled run.
 *
 * <p>A run is reported (log, metrics, events) once, by the call that started it, however many
 * requests and timers joined it. Lives on its verticle's event loop (not thread-safe by design).
 */
public final class ScheduledJob<T> {

  /** What the owning verticle does with the outcome of a run it started. */
  public interface Reporter<T> {

    void done(String trigger, T result, Duration took);

    /** Another node held the lease and does the work. */
    void skipped(String trigger, Duration took);

    void failed(String trigger, Throwable error, Duration took);
  }

  /** A fixed test clock can sit just before a boundary forever; never spin faster than this. */
  static final long MIN_TIMER_MILLIS = 1000;

  private final Vertx vertx;
  private final Lease lease;
  private final LeasedJob<T> job;
  private final LongSupplier millisUntilNextRun;
  private final T nothing;
  private final Reporter<T> reporter;
  private long scheduleTimer = -1;
  private long retryTimer = -1;
  private boolean retryPending;
  private boolean stopped;

  /**
   * @param millisUntilNextRun the wall-clock schedule, asked again after every scheduled run
   * @param nothing the answer of a run that another node does
   */
  public ScheduledJob(Vertx vertx, Lease lease, Supplier<Future<T>> work, LongSupplier millisUntilNextRun,
                      T nothing, Reporter<T> reporter) {
    this.vertx = vertx;
    this.lease = lease;
    this.job = new LeasedJob<>(lease, work);
    this.millisUntilNextRun = millisUntilNextRun;
    this.nothing = nothing;
    this.reporter = reporter;
  }

  /** Arms the schedule. */
  public void start() {
    arm();
  }

  /** One run, or the run under way; {@code nothing} when another node holds the lease. */
  public Future<T> run(String trigger) {
    if (job.running()) {
      return job.run().map(result -> result.orElse(nothing));
    }
    long started = System.nanoTime();
    return job.run()
        .onComplete(ar -> {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          if (ar.failed()) {
            reporter.failed(trigger, ar.cause(), took);
          } else if (ar.result().isPresent()) {
            reporter.done(trigger, ar.result().get(), took);
          } else {
            reporter.skipped(trigger, took);
            retryWhenTheLeaseIsFree();
          }
        })
        .map(result -> result.orElse(nothing));
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(scheduleTimer);
    vertx.cancelTimer(retryTimer);
  }

  private void arm() {
    if (stopped) {
      return;
    }
    scheduleTimer = vertx.setTimer(Math.max(MIN_TIMER_MILLIS, millisUntilNextRun.getAsLong()), id -> {
      run("schedule");
      arm();
    });
  }

  /**
   * If the holder finished meanwhile, the retry finds nothing to do; if it died mid-run, the
   * retry completes its work. One retry is pending at a time.
   */
  private void retryWhenTheLeaseIsFree() {
    if (stopped || retryPending) {
      return;
    }
    retryPending = true;
    lease.millisUntilRetry().onComplete(ar -> {
      if (stopped) {
        return;
      }
      retryTimer = vertx.setTimer(Math.max(1, ar.succeeded() ? ar.result() : MIN_TIMER_MILLIS), id -> {
        retryPending = false;
        run("lease-retry");
      });
    });
  }
}
