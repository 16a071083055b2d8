package org.tickeruniverse.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;
import org.tickeruniverse.job.ScheduledJob;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.testsupport.InMemoryLease;
import org.tickeruniverse.testsupport.InMemoryUniverse;
import org.tickeruniverse.testsupport.ManualTimers;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.SharedVertx;
import org.tickeruniverse.testsupport.StoreCalls;
import org.tickeruniverse.testsupport.StoreCalls.Fault;

/**
 * The eviction against an in-memory table (docs/DESIGN.md#ports-and-fakes): batches, the spread,
 * the lease. EvictSpreadIT and UniverseRepositoryIT run the same statements against MariaDB.
 */
class EvictJobTest {

  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();
  static final Vertx vertx = VERTX.vertx();
  static final Context loop = VERTX.loop();

  final MutableClock clock = MutableClock.at("2026-12-01T03:00:00Z");
  final StoreCalls calls = new StoreCalls(loop);
  final InMemoryUniverse table = new InMemoryUniverse(StampPrecision.EXACT, calls);

  EvictJob job(int spreadDays, int batchSize) {
    return new EvictJob(vertx, table, clock, 60, spreadDays, batchSize, 1);
  }

  static <T> Future<T> on(Supplier<Future<T>> call) throws Exception {
    return VERTX.on(call);
  }

  Instant daysAgo(double days) {
    return clock.instant().minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
  }

  /** {@code n} rows named prefix0.. last referenced {@code days} ago, the i-th i hours earlier. */
  void rows(String prefix, int n, double days) {
    for (int i = 0; i < n; i++) {
      Instant at = daysAgo(days).minus(Duration.ofHours(i));
      table.put(prefix + i, at, at);
    }
  }

  @Test
  void deletesStaleRowsInBatchesOldestFirstAndKeepsTheRest() throws Exception {
    rows("OLD", 25, 61);
    rows("NEW", 5, 59);
    table.put("EDGE", daysAgo(60), daysAgo(60));

    assertThat(on(job(0, 10)::run).await()).isEqualTo(25);

    assertThat(calls.count("evictBatch")).as("10, 10, then 5 < a batch: done").isEqualTo(3);
    assertThat(calls.count("ensureEvictionSecret")).as("no spread, no secret").isZero();
    assertThat(table.rows()).containsOnlyKeys("NEW0", "NEW1", "NEW2", "NEW3", "NEW4", "EDGE");
  }

  @Test
  void aFullLastBatchIsFollowedByOneThatFindsNothing() throws Exception {
    rows("OLD", 20, 61);
    assertThat(on(job(0, 10)::run).await()).isEqualTo(20);
    assertThat(calls.count("evictBatch")).isEqualTo(3);
    assertThat(table.rows()).isEmpty();
  }

  @Test
  void aFailedBatchLeavesTheYoungerRowsForTheNextRunWhichEndsTheWork() throws Exception {
    rows("OLD", 25, 61);
    calls.failStep("evictBatch", 2, Fault.BEFORE);

    assertThat(on(job(0, 10)::run).failed()).isTrue();
    // The first batch took the ten oldest: OLD15..OLD24 (the i-th is i hours older).
    assertThat(table.rows()).hasSize(15).containsKeys("OLD0", "OLD14").doesNotContainKey("OLD15");

    calls.clearFaults();
    assertThat(on(job(0, 10)::run).await()).isEqualTo(15);
    assertThat(table.rows()).isEmpty();
  }

  /**
   * Rows last referenced at one moment (one leaver's holdings) leave on different days: each on the
   * day of its ticker's offset after the TTL, none before the TTL, all within the spread.
   */
  @Test
  void theSpreadSendsRowsOfOneMomentAwayOverSeveralDays() throws Exception {
    int spread = 7;
    Instant moment = Instant.parse("2026-10-01T12:00:00Z");
    for (int i = 0; i < 300; i++) {
      table.put("S" + i, moment, moment);
    }
    // Daily runs at 03:00 from the day before the TTL ends (2026-11-30T12:00) to well after.
    clock.set(Instant.parse("2026-11-30T03:00:00Z"));
    Map<String, Integer> leftOnDay = new HashMap<>();
    String secret = null;
    for (int day = 0; day <= 9; day++) {
      Set<String> before = new HashSet<>(table.rows().keySet());
      on(job(spread, 50)::run).await();
      secret = secret == null ? table.evictionSecret() : secret;
      assertThat(table.evictionSecret()).as("created once, then kept").isEqualTo(secret);
      before.removeAll(table.rows().keySet());
      int d = day;
      before.forEach(t -> leftOnDay.put(t, d));
      clock.advance(Duration.ofDays(1));
    }

    assertThat(leftOnDay).hasSize(300);
    assertThat(leftOnDay.values()).as("none before the TTL").doesNotContain(0);
    assertThat(leftOnDay.values()).as("all within the spread").allMatch(d -> d <= spread);
    assertThat(new HashSet<>(leftOnDay.values())).as("spread over every day").hasSize(spread);
    for (Map.Entry<String, Integer> left : leftOnDay.entrySet()) {
      assertThat(left.getValue() - 1)
          .as(left.getKey())
          .isEqualTo(EvictCutoffs.offsetDays(secret, left.getKey(), spread));
    }
  }

  @Test
  void withASpreadTheSecretComesFirstAndItsFailureDeletesNothing() throws Exception {
    rows("OLD", 5, 80);
    calls.failStep("ensureEvictionSecret", 1, Fault.BEFORE);

    assertThat(on(job(7, 10)::run).failed()).isTrue();
    assertThat(calls.count("evictBatch")).isZero();
    assertThat(table.rows()).hasSize(5);

    calls.clearFaults();
    assertThat(on(job(7, 10)::run).await()).isEqualTo(5);
    assertThat(calls.log()).containsSubsequence("ensureEvictionSecret#2", "evictBatch#1");
  }

  /**
   * Another node holds the eviction's lock: a request is refused with 409 and the seconds left,
   * nothing is deleted, and this node evicts once the holder's lease has run out.
   */
  @Test
  void anotherHolderOfTheLockRefusesTheRunUntilItsLeaseEnds() throws Exception {
    rows("OLD", 5, 61);
    InMemoryLease lock = new InMemoryLease(clock, 10_000);
    assertThat(lock.holder("other").acquire().result()).isTrue();
    ManualTimers timers = new ManualTimers(clock);
    EvictJob evict = job(0, 10);
    List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScheduledJob<Long> job =
        new ScheduledJob<>(
            timers,
            "eviction",
            lock.holder("me"),
            evict::run,
            () -> Long.MAX_VALUE,
            new ScheduledJob.Reporter<>() {
              @Override
              public void done(String trigger, Long deleted, Duration took) {
                reported.add(trigger + ": " + deleted);
              }

              @Override
              public void skipped(String trigger, Duration took) {
                reported.add(trigger + ": skipped");
              }

              @Override
              public void failed(String trigger, Throwable error, Duration took) {
                reported.add(trigger + ": failed");
              }
            });

    Future<Long> refused = on(() -> job.run("request"));
    assertThat(((FailureException) refused.cause()).failure()).isEqualTo(ErrorCode.BUSY);
    assertThat(((FailureException) refused.cause()).retryAfterSeconds()).isEqualTo(10);
    assertThat(table.rows()).hasSize(5);

    on(
        () -> {
          timers.advance(Duration.ofSeconds(10));
          return Future.succeededFuture();
        });
    // the retry's eviction completes on the event loop
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reported.size() == 2);
    assertThat(reported).containsExactly("request: skipped", "lease-retry: 5");
    assertThat(table.rows()).isEmpty();
  }
}
