package org.tickeruniverse.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.tickeruniverse.job.ScheduledJob;

/**
 * Timers that fire when the test moves its {@link MutableClock}: a schedule of minutes or days is
 * tested in milliseconds, in order, on the test's thread.
 */
public final class ManualTimers implements ScheduledJob.Timers {

  private record Timer(long id, long dueMillis, Runnable action) {}

  private final MutableClock clock;
  private final TreeSet<Timer> pending =
      new TreeSet<>(Comparator.comparingLong(Timer::dueMillis).thenComparingLong(Timer::id));
  private long nextId;

  public ManualTimers(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public long set(long delayMillis, Runnable action) {
    long id = nextId++;
    pending.add(new Timer(id, clock.millis() + delayMillis, action));
    return id;
  }

  @Override
  public void cancel(long id) {
    pending.removeIf(t -> t.id() == id);
  }

  /** Moves the clock forward by {@code by}, firing every timer due on the way at its due time. */
  public void advance(Duration by) {
    advanceTo(clock.instant().plus(by));
  }

  public void advanceTo(Instant until) {
    long end = until.toEpochMilli();
    while (!pending.isEmpty() && pending.first().dueMillis() <= end) {
      Timer next = pending.pollFirst();
      clock.set(Instant.ofEpochMilli(Math.max(clock.millis(), next.dueMillis())));
      next.action().run();
    }
    clock.set(until);
  }

  /** When the pending timers fire, earliest first. */
  public List<Instant> pending() {
    List<Instant> out = new ArrayList<>();
    pending.forEach(t -> out.add(Instant.ofEpochMilli(t.dueMillis())));
    return out;
  }
}
