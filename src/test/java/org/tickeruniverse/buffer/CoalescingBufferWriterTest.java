package org.tickeruniverse.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;

/** The queue's bound, without Vert.x: writes are promises the test completes. */
class CoalescingBufferWriterTest {

  @Test
  void beyondMaxQueuedARequestFailsAtOnceAsOverloadedAndIsCounted() {
    List<Promise<Void>> writes = new ArrayList<>();
    AtomicInteger rejected = new AtomicInteger();
    CoalescingBufferWriter writer =
        new CoalescingBufferWriter(
            () -> "k",
            (key, members, contributors) -> {
              Promise<Void> p = Promise.promise();
              writes.add(p);
              return p.future();
            },
            1,
            3,
            n -> {},
            rejected::incrementAndGet);

    Future<Void> inFlight = writer.add(List.of("A"), "c");
    List<Future<Void>> queued =
        List.of(
            writer.add(List.of("B"), "c"),
            writer.add(List.of("C"), "c"),
            writer.add(List.of("D"), "c"));
    Future<Void> refused = writer.add(List.of("E"), "c");

    assertThat(writes).as("Redis hangs: one write out, three wait").hasSize(1);
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            FailureException.class, e -> assertThat(e.failure()).isEqualTo(ErrorCode.OVERLOADED));
    assertThat(rejected).hasValue(1);

    writes.get(0).complete();
    assertThat(inFlight.succeeded()).isTrue();
    assertThat(writes).as("the three waiting go out as one write").hasSize(2);
    writes.get(1).complete();
    assertThat(queued).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    assertThat(writer.add(List.of("F"), "c").failed()).as("room again").isFalse();
  }
}
