package org.tickeruniverse.job;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.tickeruniverse.bus.Replies;

/**
 * How the runs of a scheduled job (flush, evict) are reported, written once: every outcome goes to
 * the job's meter; a run that did something gets one log line and, when it changed the universe,
 * one event (counts only, never tickers: docs/DESIGN.md#privacy-rules); a failure gets one warning.
 * The job says what to count, say and publish; this class says when.
 */
public final class JobReport<T> implements ScheduledJob.Reporter<T> {

  /**
   * Records one run: outcome {@code ok}, {@code skipped} or {@code failed}; result null unless ok.
   */
  public interface Meter<T> {
    void record(String outcome, T result, Duration took);
  }

  private final String job;
  private final Logger log;
  private final EventBus bus;
  private final Meter<T> meter;
  private final BiFunction<T, Duration, String> summary;
  private final String eventAddress;
  private final BiFunction<T, Duration, JsonObject> event;

  /**
   * @param summary the log line of a successful run, or null when it has nothing to say
   * @param event the event of a successful run, or null when it changed nothing
   */
  public JobReport(
      String job,
      Logger log,
      EventBus bus,
      Meter<T> meter,
      BiFunction<T, Duration, String> summary,
      String eventAddress,
      BiFunction<T, Duration, JsonObject> event) {
    this.job = job;
    this.log = log;
    this.bus = bus;
    this.meter = meter;
    this.summary = summary;
    this.eventAddress = eventAddress;
    this.event = event;
  }

  @Override
  public void done(String trigger, T result, Duration took) {
    meter.record("ok", result, took);
    String line = summary.apply(result, took);
    if (line != null) {
      log.info("{} ({}): {}", job, trigger, line);
    }
    JsonObject body = event.apply(result, took);
    if (body != null) {
      bus.publish(eventAddress, body);
    }
  }

  @Override
  public void skipped(String trigger, Duration took) {
    meter.record("skipped", null, took);
  }

  @Override
  public void failed(String trigger, Throwable error, Duration took) {
    meter.record("failed", null, took);
    log.warn("{} ({}) failed, the next run resumes it: {}", job, trigger, Replies.describe(error));
  }
}
