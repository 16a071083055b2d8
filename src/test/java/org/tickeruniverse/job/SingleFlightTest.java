package org.tickeruniverse.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain promises, no Vert.x instance: the helper's whole contract in a few sequences. */
class SingleFlightTest {

  private final List<Promise<Integer>> started = new ArrayList<>();
  private final SingleFlight<Integer> flight =
      new SingleFlight<>(
          () -> {
            Promise<Integer> p = Promise.promise();
            started.add(p);
            return p.future();
          });

  @Test
  void joinSharesTheRunUnderWay() {
    Future<Integer> a = flight.join();
    Future<Integer> b = flight.join();
    assertThat(started).hasSize(1);
    assertThat(flight.running()).isTrue();
    started.get(0).complete(7);
    assertThat(a.result()).isEqualTo(7);
    assertThat(b.result()).isEqualTo(7);
    assertThat(flight.running()).isFalse();
  }

  @Test
  void againQueuesExactlyOneRunBehindTheCurrentOne() {
    Future<Integer> first = flight.again();
    Future<Integer> q1 = flight.again();
    Future<Integer> q2 = flight.again();
    Future<Integer> q3 = flight.again();
    assertThat(started).as("one in flight, the rest wait").hasSize(1);
    started.get(0).complete(1);
    assertThat(first.result()).isEqualTo(1);
    assertThat(started).as("one queued run starts, however many asked").hasSize(2);
    assertThat(q1.isComplete()).isFalse();
    started.get(1).complete(2);
    assertThat(List.of(q1.result(), q2.result(), q3.result())).containsOnly(2);
    assertThat(started).hasSize(2);
    assertThat(flight.running()).isFalse();
  }

  @Test
  void aFailedRunStillStartsTheQueuedOne() {
    Future<Integer> first = flight.again();
    Future<Integer> queued = flight.again();
    started.get(0).fail("store down");
    assertThat(first.failed()).isTrue();
    assertThat(started).hasSize(2);
    started.get(1).complete(3);
    assertThat(queued.result()).isEqualTo(3);
  }

  @Test
  void aThrowingJobFailsItsRunAndLeavesTheFlightIdle() {
    SingleFlight<Integer> throwing =
        new SingleFlight<>(
            () -> {
              throw new IllegalStateException("boom");
            });
    assertThat(throwing.join().failed()).isTrue();
    assertThat(throwing.running()).isFalse();
  }

  @Test
  void aJobThatCompletesAtOnceLeavesNothingRunning() {
    SingleFlight<Integer> immediate = new SingleFlight<>(() -> Future.succeededFuture(5));
    assertThat(immediate.join().result()).isEqualTo(5);
    assertThat(immediate.running()).isFalse();
    assertThat(immediate.again().result()).isEqualTo(5);
  }
}
