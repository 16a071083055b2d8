package org.tickeruniverse.job;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;

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

  /**
   * Where the job's timers run: the verticle's Vert.x, or in a unit test timers driven by a
   * hand-moved clock, so a schedule is tested in milliseconds (docs/DESIGN.md#ports-and-fakes).
   */
  public interface Timers {

    /** Runs {@code action} once after {@code delayMillis}; returns the timer's id. */
    long set(long delayMillis, Runnable action);

    void cancel(long id);

    static Timers of(Vertx vertx) {
      return new Timers() {
        @Override
        public long set(long delayMillis, Runnable action) {
          return vertx.setTimer(delayMillis, id -> action.run());
        }

        @Override
        public void cancel(long id) {
          vertx.cancelTimer(id);
        }
      };
    }
  }

  /** A fixed test clock can sit just before a boundary forever; never spin faster than this. */
  static final long MIN_TIMER_MILLIS = 1000;

  private final Timers timers;
  private final String name;
  private final Lease lease;
  private final LeasedJob<T> job;
  private final LongSupplier millisUntilNextRun;
  private final Reporter<T> reporter;
  private long scheduleTimer = -1;
  private long retryTimer = -1;
  private boolean retryPending;
  private boolean stopped;

  /**
   * @param name the job's name in the message of a refusal ("flush", "evict")
   * @param millisUntilNextRun the wall-clock schedule, asked again after every scheduled run
   */
  public ScheduledJob(
      Vertx vertx,
      String name,
      Lease lease,
      Supplier<Future<T>> work,
      LongSupplier millisUntilNextRun,
      Reporter<T> reporter) {
    this(Timers.of(vertx), name, lease, work, millisUntilNextRun, reporter);
  }

  /** The same, with its timers run by {@code timers}. */
  public ScheduledJob(
      Timers timers,
      String name,
      Lease lease,
      Supplier<Future<T>> work,
      LongSupplier millisUntilNextRun,
      Reporter<T> reporter) {
    this.timers = timers;
    this.name = name;
    this.lease = lease;
    this.job = new LeasedJob<>(lease, work);
    this.millisUntilNextRun = millisUntilNextRun;
    this.reporter = reporter;
  }

  /** Arms the schedule. */
  public void start() {
    arm();
  }

  /**
   * One run, or the run under way. Fails with {@link ErrorCode#BUSY} (and the seconds until the
   * other holder's lease ends) when another holder's lease is live: work that did not run is never
   * reported as a run that found nothing. A refused run is retried when the lease ends whatever the
   * trigger, so scheduled callers may ignore the refusal.
   */
  public Future<T> run(String trigger) {
    if (job.running()) {
      return job.run().compose(this::orBusy);
    }
    long started = System.nanoTime();
    return job.run()
        .onComplete(
            ar -> {
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
        .compose(this::orBusy);
  }

  private Future<T> orBusy(Optional<T> result) {
    if (result.isPresent()) {
      return Future.succeededFuture(result.get());
    }
    return lease
        .millisUntilRetry()
        .otherwise(MIN_TIMER_MILLIS)
        .compose(
            millis -> {
              int seconds = retryAfterSeconds(millis);
              return Future.failedFuture(
                  new FailureException(
                      ErrorCode.BUSY,
                      "the "
                          + name
                          + " is held by another node (or by one that died holding it); its lease ends within "
                          + seconds
                          + " s: try again then",
                      seconds));
            });
  }

  /** Whole seconds, rounded up, at least 1: what {@code Retry-After} can say. */
  static int retryAfterSeconds(long millis) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
  }

  public void stop() {
    stopped = true;
    timers.cancel(scheduleTimer);
    timers.cancel(retryTimer);
  }

  private void arm() {
    if (stopped) {
      return;
    }
    scheduleTimer =
        timers.set(
            Math.max(MIN_TIMER_MILLIS, millisUntilNextRun.getAsLong()),
            () -> {
              run("schedule"); // a refusal (another holder) retries on its own: see
              // retryWhenTheLeaseIsFree
              arm();
            });
  }

  /**
   * If the holder finished meanwhile, the retry finds nothing to do; if it died mid-run, the retry
   * completes its work. One retry is pending at a time.
   */
  private void retryWhenTheLeaseIsFree() {
    if (stopped || retryPending) {
      return;
    }
    retryPending = true;
    lease
        .millisUntilRetry()
        .onComplete(
            ar -> {
              if (stopped) {
                return;
              }
              retryTimer =
                  timers.set(
                      Math.max(1, ar.succeeded() ? ar.result() : MIN_TIMER_MILLIS),
                      () -> {
                        retryPending = false;
                        run("lease-retry");
                      });
            });
  }
}
