package org.tickeruniverse.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;
import org.tickeruniverse.evict.DailySchedule;
import org.tickeruniverse.testsupport.InMemoryLease;
import org.tickeruniverse.testsupport.ManualTimers;
import org.tickeruniverse.testsupport.MutableClock;

/**
 * The scheduler of the leased jobs on a hand-moved clock (docs/DESIGN.md#ports-and-fakes): the
 * wall-clock schedule, requests while a run is under way, another node's lease (409 busy) and the
 * retry when it ends. No Vert.x: the timers are {@link ManualTimers}, the lease in memory.
 */
class ScheduledJobTest {

  final MutableClock clock = MutableClock.at("2026-12-01T12:03:10Z");
  final ManualTimers timers = new ManualTimers(clock);
  final InMemoryLease lease = new InMemoryLease(clock, 3000);

  /** What a node's job did: when its work started, and what the reporter heard. */
  final class Node {
    final List<Instant> started = new ArrayList<>();
    final List<String> reported = new ArrayList<>();
    final List<Promise<String>> pending = new ArrayList<>();
    Supplier<Future<String>> work =
        () -> {
          started.add(clock.instant());
          return Future.succeededFuture("done");
        };
    final ScheduledJob<String> job;

    Node(String name, LongSupplier schedule) {
      job =
          new ScheduledJob<>(
              timers,
              "flush",
              lease.holder(name),
              () -> work.get(),
              schedule,
              new ScheduledJob.Reporter<>() {
                @Override
                public void done(String trigger, String result, Duration took) {
                  reported.add("done " + trigger);
                }

                @Override
                public void skipped(String trigger, Duration took) {
                  reported.add("skipped " + trigger);
                }

                @Override
                public void failed(String trigger, Throwable error, Duration took) {
                  reported.add("failed " + trigger);
                }
              });
    }

    /** From now on the work runs until the test completes it. */
    Node holding() {
      work =
          () -> {
            started.add(clock.instant());
            Promise<String> p = Promise.promise();
            pending.add(p);
            return p.future();
          };
      return this;
    }
  }

  LongSupplier flushSchedule() {
    return new Buckets("tu", 300, 30, clock)::millisUntilNextFlush;
  }

  @Test
  void runsAtEveryBucketBoundaryPlusGraceAndSurvivesAFailedRun() {
    Node node = new Node("a", flushSchedule());
    int[] calls = {0};
    node.work =
        () -> {
          node.started.add(clock.instant());
          return ++calls[0] == 2
              ? Future.failedFuture(new IllegalStateException("store down"))
              : Future.succeededFuture("done");
        };
    node.job.start();

    timers.advanceTo(Instant.parse("2026-12-01T12:20:00Z"));

    assertThat(node.started)
        .containsExactly(
            Instant.parse("2026-12-01T12:05:30Z"),
            Instant.parse("2026-12-01T12:10:30Z"),
            Instant.parse("2026-12-01T12:15:30Z"));
    assertThat(node.reported).containsExactly("done schedule", "failed schedule", "done schedule");
    assertThat(timers.pending()).containsExactly(Instant.parse("2026-12-01T12:20:30Z"));
    assertThat(lease.current()).as("released after every run").isEmpty();
  }

  @Test
  void evictionRunsDailyAtItsUtcTime() {
    DailySchedule daily = new DailySchedule(LocalTime.of(3, 0));
    Node node = new Node("a", () -> daily.millisUntilNext(clock));
    node.job.start();

    timers.advance(Duration.ofDays(3));

    assertThat(node.started)
        .containsExactly(
            Instant.parse("2026-12-02T03:00:00Z"),
            Instant.parse("2026-12-03T03:00:00Z"),
            Instant.parse("2026-12-04T03:00:00Z"));
  }

  @Test
  void aScheduleThatSaysNowStillWaitsTheMinimum() {
    Node node = new Node("a", () -> 0);
    node.job.start();
    assertThat(timers.pending())
        .containsExactly(clock.instant().plusMillis(ScheduledJob.MIN_TIMER_MILLIS));
  }

  @Test
  void requestsWhileARunIsUnderWayJoinItAndItIsReportedOnce() {
    Node node = new Node("a", flushSchedule()).holding();

    Future<String> first = node.job.run("request");
    Future<String> second = node.job.run("request");
    Future<String> third = node.job.run("start-up");
    assertThat(node.started).hasSize(1);
    assertThat(first.isComplete()).isFalse();
    node.pending.get(0).complete("one run");

    assertThat(List.of(first.result(), second.result(), third.result())).containsOnly("one run");
    assertThat(node.reported).containsExactly("done request");
  }

  @Test
  void anotherNodesLeaseMakesARequestBusyAndTheWorkIsRetriedWhenTheLeaseEnds() {
    Node a = new Node("a", flushSchedule()).holding();
    Node b = new Node("b", flushSchedule());
    a.job.run("request");
    clock.advance(Duration.ofMillis(800));

    Future<String> refused = b.job.run("request");

    assertThat(refused.failed()).isTrue();
    FailureException busy = (FailureException) refused.cause();
    assertThat(busy.failure()).isEqualTo(ErrorCode.BUSY);
    assertThat(busy.failure().code()).isEqualTo(409);
    assertThat(busy.retryAfterSeconds()).as("2.2 s of a's lease left, rounded up").isEqualTo(3);
    assertThat(b.started).isEmpty();
    assertThat(b.reported).containsExactly("skipped request");

    // a dies mid-run: it never renews nor releases. b works once a's lease has run out.
    timers.advance(Duration.ofMillis(2199));
    assertThat(b.started).isEmpty();
    timers.advance(Duration.ofMillis(1));
    assertThat(b.started).containsExactly(Instant.parse("2026-12-01T12:03:13Z"));
    assertThat(b.reported).containsExactly("skipped request", "done lease-retry");
  }

  @Test
  void refusalsByTheScheduleAreRetriedOnceAtATime() {
    Node a = new Node("a", flushSchedule()).holding();
    Node b = new Node("b", flushSchedule());
    a.job.run("request");
    b.job.run("schedule");
    b.job.run("start-up");
    // Two refusals, one retry, armed for the end of a's lease.
    assertThat(timers.pending()).containsExactly(clock.instant().plusMillis(3000));
    a.pending.get(0).complete("a finished");
    timers.advance(Duration.ofSeconds(3));
    assertThat(b.started).hasSize(1);
  }

  @Test
  void stopCancelsTheScheduleAndAPendingRetry() {
    Node a = new Node("a", flushSchedule()).holding();
    Node b = new Node("b", flushSchedule());
    b.job.start();
    a.job.run("request");
    b.job.run("request");
    assertThat(timers.pending()).hasSize(2);

    b.job.stop();
    timers.advance(Duration.ofHours(1));

    assertThat(timers.pending()).isEmpty();
    assertThat(b.started).isEmpty();
  }
}
