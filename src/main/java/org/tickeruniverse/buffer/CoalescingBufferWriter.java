package org.tickeruniverse.buffer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;

/**
 * Group commit for bucket writes: while {@code maxInFlight} scripts are already on their way to
 * Redis, new requests queue up; as soon as one returns, everything queued goes out as a single
 * script. Under load that turns N requests into a handful of round trips; when idle a request goes
 * out at once. A caller's future completes only after the script that carried its own tickers
 * succeeded.
 *
 * <p>Bounded: at most {@code maxQueued} requests wait for their turn. Beyond, a request fails at
 * once with {@link ErrorCode#OVERLOADED} (HTTP 503 with Retry-After) instead of queueing for as
 * long as Redis is slow: while Redis hangs, memory stays bounded and callers hear the truth quickly
 * (docs/DESIGN.md#faults).
 *
 * <p>Not thread-safe by design: it lives on its verticle's event loop, which calls it and (the
 * Redis client completes futures on the caller's context) completes its writes.
 */
final class CoalescingBufferWriter {

  /** Cap on members per script, keeping one script's run on the Redis thread short. */
  static final int MAX_MEMBERS_PER_WRITE = 10_000;

  interface Write {
    /**
     * {@code contributors}: the distinct contributors of the group as the requests named them
     * (never empty; null is the shared unknown one), hashed by the write with the key of the
     * bucket's day, so the day of the hash is always the day of the bucket it lands in.
     */
    Future<Void> add(
        String key,
        java.util.Collection<String> members,
        java.util.Collection<String> contributors);
  }

  private record Pending(List<String> tickers, String contributor, Promise<Void> done) {}

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Supplier<String> currentKey;
  private final Write write;
  private final int maxInFlight;
  private final int maxQueued;
  private final java.util.function.IntConsumer onWrite;
  private final Runnable onRejected;
  private int inFlight;

  CoalescingBufferWriter(
      Supplier<String> currentKey,
      Write write,
      int maxInFlight,
      int maxQueued,
      java.util.function.IntConsumer onWrite,
      Runnable onRejected) {
    this.currentKey = currentKey;
    this.write = write;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.onWrite = onWrite;
    this.onRejected = onRejected;
  }

  /**
   * @param contributor who uploaded, as the request named it (null: the shared unknown one)
   */
  Future<Void> add(List<String> tickers, String contributor) {
    if (queue.size() >= maxQueued) {
      onRejected.run();
      return Future.failedFuture(
          new FailureException(
              ErrorCode.OVERLOADED,
              "too many uploads are waiting for the buffer store; try again shortly"));
    }
    Promise<Void> done = Promise.promise();
    queue.add(new Pending(tickers, contributor, done));
    drain();
    return done.future();
  }

  private void drain() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      List<Pending> group = new ArrayList<>();
      LinkedHashSet<String> members = new LinkedHashSet<>();
      // The group's uploaders go into the same script as its tickers: one atomic write of both.
      LinkedHashSet<String> contributors = new LinkedHashSet<>();
      while (!queue.isEmpty()
          && (group.isEmpty()
              || members.size() + queue.peek().tickers().size() <= MAX_MEMBERS_PER_WRITE)) {
        Pending p = queue.poll();
        group.add(p);
        members.addAll(p.tickers());
        contributors.add(p.contributor());
      }
      inFlight++;
      onWrite.accept(members.size());
      // The key is taken when the write leaves, not when the request arrived: at most a few
      // milliseconds apart, and the later bucket is always the safe side of a boundary.
      write
          .add(currentKey.get(), members, contributors)
          .onComplete(
              ar -> {
                inFlight--;
                for (Pending p : group) {
                  if (ar.succeeded()) {
                    p.done().complete();
                  } else {
                    p.done().fail(ar.cause());
                  }
                }
                drain();
              });
    }
  }
}
