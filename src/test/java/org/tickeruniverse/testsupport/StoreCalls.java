package org.tickeruniverse.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every call the in-memory stores ({@link InMemoryBuckets}, {@link InMemoryUniverse}) receive, in
 * order, and the faults a test injects into them: a chosen call fails before its effect (nothing
 * happened) or after it (it happened, the reply was lost); a crash makes every later call fail too,
 * as when the node dies at that step. Replies are delivered on a later turn of the given event
 * loop, as a real client's would be, so the job's concurrent writes really overlap; without a
 * context they complete at once.
 */
public final class StoreCalls {

  /** Whether a failing call's effect happened. */
  public enum Fault {
    /** Nothing happened (the statement never reached the store). */
    BEFORE,
    /** It happened, but the reply was lost (the store committed, the node never heard). */
    AFTER
  }

  /** The failure a fake reports; never thrown by real code. */
  public static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String what) {
      super(what, null, false, false);
    }
  }

  private final Context replies;
  private final List<String> log = new ArrayList<>();
  private final Map<String, Integer> perStep = new HashMap<>();
  private final Map<String, Runnable> before = new HashMap<>();
  private String failStep; // null: the n-th call of any step
  private int failAt = -1;
  private Fault fault;
  private boolean crash;
  private boolean dead;

  public StoreCalls() {
    this(null);
  }

  public StoreCalls(Context replies) {
    this.replies = replies;
  }

  /** The {@code n}-th call (1-based, any step) fails; the calls after it succeed. */
  public StoreCalls failCall(int n, Fault when) {
    return failStep(null, n, when);
  }

  /** The {@code n}-th call of {@code step} fails; the calls after it succeed. */
  public StoreCalls failStep(String step, int n, Fault when) {
    clearFaults();
    failStep = step;
    failAt = n;
    fault = when;
    return this;
  }

  /** The {@code n}-th call fails, and every later one too: the node died there. */
  public StoreCalls crashAtCall(int n, Fault when) {
    return crashAtStep(null, n, when);
  }

  /** The {@code n}-th call of {@code step} fails, and every later call too: the node died there. */
  public StoreCalls crashAtStep(String step, int n, Fault when) {
    failStep(step, n, when);
    crash = true;
    return this;
  }

  /** No more faults; a crashed node is up again. */
  public StoreCalls clearFaults() {
    failStep = null;
    failAt = -1;
    fault = null;
    crash = false;
    dead = false;
    return this;
  }

  /** Runs {@code action} just before the {@code n}-th call of {@code step} takes effect. */
  public StoreCalls beforeStep(String step, int n, Runnable action) {
    before.put(step + "#" + n, action);
    return this;
  }

  /** Every call so far, "step#n" in order. */
  public List<String> log() {
    return List.copyOf(log);
  }

  public int count() {
    return log.size();
  }

  public int count(String step) {
    return perStep.getOrDefault(step, 0);
  }

  /** One call of a fake: records it, applies the fault plan, runs {@code effect} unless refused. */
  public <T> Future<T> call(String step, Supplier<T> effect) {
    int ofStep = perStep.merge(step, 1, Integer::sum);
    String call = step + "#" + ofStep;
    log.add(call);
    Runnable hook = before.remove(call);
    if (hook != null) {
      hook.run();
    }
    boolean chosen =
        failStep == null ? log.size() == failAt : step.equals(failStep) && ofStep == failAt;
    if (dead || (chosen && fault == Fault.BEFORE)) {
      dead |= crash;
      return reply(null, new InjectedFailure(call + " failed before its effect"));
    }
    T result;
    try {
      result = effect.get();
    } catch (RuntimeException e) {
      return reply(null, e);
    }
    if (chosen) {
      dead |= crash;
      return reply(null, new InjectedFailure(call + " failed after its effect"));
    }
    return reply(result, null);
  }

  private <T> Future<T> reply(T result, Throwable failure) {
    Promise<T> promise = Promise.promise();
    if (replies == null) {
      promise.complete(result, failure);
    } else {
      replies.runOnContext(v -> promise.complete(result, failure));
    }
    return promise.future();
  }
}
