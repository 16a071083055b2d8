package org.tickeruniverse.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.job.Lease;
import org.tickeruniverse.job.LeasedJob;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.testsupport.InMemoryBuckets;
import org.tickeruniverse.testsupport.InMemoryLease;
import org.tickeruniverse.testsupport.InMemoryUniverse;
import org.tickeruniverse.testsupport.InMemoryUniverse.Row;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.SharedVertx;
import org.tickeruniverse.testsupport.StoreCalls;
import org.tickeruniverse.testsupport.StoreCalls.Fault;
import org.tickeruniverse.testsupport.StoreCalls.InjectedFailure;

/**
 * The flush against in-memory stores (docs/DESIGN.md#ports-and-fakes): the pool rule end to end,
 * catch-up, late writes, a crash at every step, a lost lease — in milliseconds, on one event loop
 * as in the service. FlushJobLargeBucketIT, PipelineIT, PrivacyPoolIT and StoreFaultIT run the same
 * job against real Redis and MariaDB.
 */
class FlushJobTest {

  static final long WIDTH = 300;
  static final long GRACE = 30;
  static final int TTL = 7200;
  static final long T0 = Instant.parse("2026-12-01T12:00:00Z").getEpochSecond();

  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();
  static final Vertx vertx = VERTX.vertx();
  static final Context loop = VERTX.loop();

  /** Start of the i-th bucket from T0. */
  static long b(int i) {
    return T0 + i * WIDTH;
  }

  static Instant end(int i) {
    return Instant.ofEpochSecond(b(i) + WIDTH);
  }

  /** One node's view of the stores, all on the test's clock. */
  static final class World {
    final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0));
    final StoreCalls calls = new StoreCalls(loop);
    final Buckets buckets = new Buckets("tu", WIDTH, GRACE, clock);
    final InMemoryBuckets buffer;
    final InMemoryUniverse table = new InMemoryUniverse(StampPrecision.EXACT, calls);
    final int ttlSeconds;

    World(int ttlSeconds) {
      this.ttlSeconds = ttlSeconds;
      buffer = new InMemoryBuckets(buckets, ttlSeconds, calls);
    }

    World() {
      this(TTL);
    }

    FlushJob job(PublicationRule rule, int chunkSize, Supplier<Future<?>> heartbeat) {
      return new FlushJob(
          buffer,
          table,
          buckets,
          chunkSize,
          rule,
          ttlSeconds,
          ServiceMetrics.detached(),
          heartbeat);
    }

    FlushJob job(PublicationRule rule, int chunkSize) {
      return job(rule, chunkSize, Future::succeededFuture);
    }

    /** The clock at the moment bucket i is closed (its end plus the grace). */
    void closeThrough(int i) {
      clock.set(end(i).plusSeconds(GRACE));
    }
  }

  static PublicationRule rule(int k, int afterHold, long maxHoldSeconds) {
    return new PublicationRule(k, afterHold, maxHoldSeconds, WIDTH);
  }

  /** Runs {@code call} on the event loop, as its verticle would, and waits for its outcome. */
  static <T> Future<T> on(Supplier<Future<T>> call) throws Exception {
    return VERTX.on(call);
  }

  static FlushCounts run(FlushJob job) throws Exception {
    return on(job::run).await();
  }

  @Test
  void aPoolIsHeldBelowKAndPublishedAtKWithOneStamp() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(3, 1, 86_400), 10);
    w.buffer.write(b(0), "alice", "AAPL");
    w.buffer.write(b(1), "bob", "MSFT", "AAPL");
    w.closeThrough(1);

    FlushCounts held = run(job);
    assertThat(held.buckets()).isZero();
    assertThat(held.held()).isEqualTo(2);
    assertThat(w.table.rows()).isEmpty();
    assertThat(w.buffer.members(b(0))).containsExactly("AAPL");

    // alice again on the same day: still two distinct contributors.
    w.buffer.write(b(2), "alice", "GOOG");
    w.closeThrough(2);
    assertThat(run(job).held()).isEqualTo(3);
    assertThat(w.table.rows()).isEmpty();

    w.buffer.write(b(3), "carol", "TSLA");
    w.closeThrough(3);
    FlushCounts published = run(job);
    assertThat(published.buckets()).isEqualTo(4);
    assertThat(published.contributors()).isEqualTo(3);
    assertThat(published.read()).isEqualTo(5);
    assertThat(published.inserted()).isEqualTo(4);
    assertThat(published.bumped()).as("AAPL of the second bucket").isEqualTo(1);
    assertThat(published.held()).isZero();
    // One stamp for the whole publication, the end of its newest bucket: no row tells its bucket.
    Row stamped = new Row(end(3), end(3));
    assertThat(w.table.rows())
        .isEqualTo(Map.of("AAPL", stamped, "MSFT", stamped, "GOOG", stamped, "TSLA", stamped));
    assertThat(w.buffer.keys()).as("sets and contributor records drained").isEmpty();
  }

  @Test
  void afterTheMaxHoldAPoolGoesWithTheAfterHoldThresholdAndNotBelowIt() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(5, 2, 1800), 10);
    w.buffer.write(b(0), "alice", "AAPL");
    w.closeThrough(0);
    assertThat(run(job).held()).isEqualTo(1);

    // Held the maximum with one contributor, fewer than the after-hold threshold: still held.
    w.clock.set(end(0).plusSeconds(1800));
    assertThat(run(job).held()).isEqualTo(1);
    w.clock.set(end(0).plusSeconds(3600));
    assertThat(run(job).held()).isEqualTo(1);
    assertThat(w.table.rows()).isEmpty();

    // A second contributor arrives: the pool, held past the maximum, goes at once with 2 < k.
    w.buffer.write(b(12), "bob", "MSFT");
    w.closeThrough(12);
    FlushCounts released = run(job);
    assertThat(released.buckets()).isEqualTo(2);
    assertThat(released.contributors()).isEqualTo(2);
    assertThat(w.table.rows())
        .isEqualTo(Map.of("AAPL", new Row(end(12), end(12)), "MSFT", new Row(end(12), end(12))));
  }

  @Test
  void heldBucketsOutliveTheirTtlBecauseEveryRunRenewsIt() throws Exception {
    World w = new World(600);
    FlushJob job = w.job(rule(2, 2, 86_400), 10);
    w.buffer.write(b(0), "alice", "AAPL");
    w.closeThrough(0);
    for (int run = 0; run < 12; run++) {
      assertThat(run(job).held()).isEqualTo(1);
      w.clock.advance(Duration.ofSeconds(WIDTH));
    }
    assertThat(w.buffer.members(b(0))).as("held an hour with a TTL of 10 min").contains("AAPL");
    assertThat(w.buffer.hasContributors(b(0))).isTrue();
    // Without runs the TTL does run out: the renewal is what kept it.
    w.clock.advance(Duration.ofSeconds(601));
    assertThat(w.buffer.keys()).isEmpty();
  }

  @Test
  void aBucketOfAnotherWriterCountsAsTheOneUnknownContributor() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(3, 3, 86_400), 10);
    w.buffer.writeWithoutContributors(b(0), "AAPL");
    w.buffer.writeWithoutContributors(b(1), "MSFT");
    w.buffer.write(b(2), "alice", "GOOG");
    w.closeThrough(2);
    assertThat(run(job).held()).as("unknown + alice: 2 < k").isEqualTo(3);

    w.buffer.write(b(3), "bob", "TSLA");
    w.closeThrough(3);
    FlushCounts counts = run(job);
    assertThat(counts.buckets()).isEqualTo(4);
    assertThat(counts.contributors()).isEqualTo(3);
    assertThat(w.table.rows()).hasSize(4);
  }

  @Test
  void aFullUniverseRefusesNewTickersAndKeepsThemBuffered() throws Exception {
    World w = new World();
    InMemoryUniverse full = new InMemoryUniverse(StampPrecision.EXACT, 4, w.calls);
    full.put("AAPL", end(0), end(0));
    FlushJob job =
        new FlushJob(
            w.buffer,
            full,
            w.buckets,
            10,
            rule(1, 1, 0),
            TTL,
            ServiceMetrics.detached(),
            Future::succeededFuture);
    w.buffer.write(b(1), "alice", "AAPL", "B", "C", "D", "E", "F");
    w.closeThrough(1);

    FlushCounts counts = run(job);

    assertThat(counts.inserted()).isEqualTo(3);
    assertThat(counts.bumped()).isEqualTo(1);
    assertThat(counts.refusedCapacity()).isEqualTo(2);
    assertThat(full.rows()).containsOnlyKeys("AAPL", "B", "C", "D");
    assertThat(full.rows().get("AAPL").lastReferencedAt()).isEqualTo(end(1));
    assertThat(w.buffer.members(b(1))).as("refused, kept for a later run").containsOnly("E", "F");
  }

  @Test
  void aCatchUpPublishesEachBucketAsRunsAtEveryBoundaryWould() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(1, 1, 0), 7);
    int n = 20;
    for (int i = 0; i < n; i++) {
      // Each bucket written while it is open; the flushing node is down 100 minutes, within the
      // buffer's TTL (the recovery window).
      w.clock.set(Instant.ofEpochSecond(b(i)));
      List<String> tickers = new ArrayList<>(List.of("SPY"));
      for (int j = 0; j < 9; j++) {
        tickers.add("B" + i + "." + j);
      }
      w.buffer.write(b(i), "user" + i, tickers.toArray(String[]::new));
    }
    w.closeThrough(n - 1);

    FlushCounts counts = run(job);

    assertThat(counts.buckets()).isEqualTo(n);
    assertThat(counts.read()).isEqualTo(n * 10L);
    assertThat(counts.inserted()).isEqualTo(n * 9L + 1);
    assertThat(counts.bumped()).isEqualTo(n - 1L);
    Map<String, Row> rows = w.table.rows();
    assertThat(rows).hasSize(n * 9 + 1);
    for (int i = 0; i < n; i++) {
      assertThat(rows.get("B" + i + ".0")).isEqualTo(new Row(end(i), end(i)));
    }
    assertThat(rows.get("SPY")).isEqualTo(new Row(end(0), end(n - 1)));
    assertThat(w.buffer.keys()).isEmpty();
  }

  @Test
  void aCatchUpSplitsThePoolWhereRunsAtEveryBoundaryReachedK() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(2, 2, 86_400), 10);
    String[] who = {"alice", "bob", "alice", "carol", "carol", "dave", "erin"};
    for (int i = 0; i < who.length; i++) {
      w.buffer.write(b(i), who[i], "T" + i);
    }
    w.closeThrough(who.length - 1);

    FlushCounts counts = run(job);

    // [alice, bob] [alice, carol] [carol, dave] published, erin's bucket held for a second person.
    assertThat(counts.buckets()).isEqualTo(6);
    assertThat(counts.held()).isEqualTo(1);
    assertThat(counts.contributors()).isEqualTo(2);
    Map<String, Row> expected = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      Instant stamp = end(i | 1);
      expected.put("T" + i, new Row(stamp, stamp));
    }
    assertThat(w.table.rows()).isEqualTo(expected);
    assertThat(w.buffer.members(b(6))).containsExactly("T6");
  }

  @Test
  void aLateWriteIntoAFlushedBucketIsPublishedWithThatBucketsStamp() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(1, 1, 0), 10);
    w.buffer.write(b(0), "alice", "AAPL");
    w.closeThrough(0);
    run(job);
    assertThat(w.buffer.keys()).isEmpty();

    // A writer whose clock is behind ours writes into the closed, flushed bucket.
    w.buffer.write(b(0), "bob", "MSFT", "AAPL");
    w.closeThrough(1);
    FlushCounts late = run(job);
    assertThat(late.buckets()).isEqualTo(1);
    assertThat(late.inserted()).isEqualTo(1);
    assertThat(late.bumped()).isEqualTo(1);
    assertThat(w.table.rows())
        .isEqualTo(Map.of("AAPL", new Row(end(0), end(0)), "MSFT", new Row(end(0), end(0))));
    assertThat(w.buffer.keys()).isEmpty();
  }

  @Test
  void aLateWriteDuringTheFlushIsTakenByAnotherPassOfTheSameRun() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(1, 1, 0), 3);
    w.buffer.write(b(0), "alice", "A", "B", "C", "D", "E", "F", "G");
    // After the first chunk is written, before its removal, a late write lands behind the cursor.
    w.calls.beforeStep("remove", 1, () -> w.buffer.write(b(0), "bob", "AA"));
    w.closeThrough(0);

    FlushCounts counts = run(job);

    assertThat(counts.read()).isEqualTo(8);
    assertThat(counts.inserted()).isEqualTo(8);
    assertThat(w.table.rows()).containsKeys("A", "AA", "G").hasSize(8);
    assertThat(w.table.rows().get("AA")).isEqualTo(new Row(end(0), end(0)));
    assertThat(w.buffer.keys()).isEmpty();
  }

  @Test
  void membersAScanReturnsTwiceAreWrittenAndCountedOnce() throws Exception {
    World w = new World();
    w.buffer.repeatingMembers();
    FlushJob job = w.job(rule(1, 1, 0), 4);
    List<String> tickers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tickers.add("R" + i);
    }
    w.buffer.write(b(0), "alice", tickers.toArray(String[]::new));
    w.buffer.write(b(0), "alice", "not a ticker!");
    w.closeThrough(0);

    FlushCounts counts = run(job);

    assertThat(counts.read()).as("repeats are read").isGreaterThan(51);
    assertThat(counts.inserted()).isEqualTo(50);
    assertThat(counts.bumped()).isZero();
    assertThat(counts.rejected()).isEqualTo(1);
    assertThat(w.table.rows()).hasSize(50);
    assertThat(w.buffer.keys()).as("the rejected member is removed too").isEmpty();
  }

  /**
   * Three buckets published one by one (k = 1), tickers shared between them, an invalid member: the
   * world every crash below starts from.
   */
  static World crashWorld() {
    World w = new World();
    w.buffer.write(b(0), "alice", "A", "B", "C", "D", "E", "F");
    w.buffer.write(b(1), "bob", "D", "E", "F", "G", "H", "bad ticker");
    w.buffer.write(b(2), "carol", "A", "I");
    w.closeThrough(2);
    return w;
  }

  static FlushJob crashJob(World w) {
    return w.job(rule(1, 1, 0), 4);
  }

  /**
   * The node dies at every call the flush makes, before or after the call took effect; a rerun then
   * leaves exactly the table of an uninterrupted run — nothing lost, nothing doubled — and an empty
   * buffer, creating exactly the rows the dead run had not.
   */
  @TestFactory
  Stream<DynamicTest> aCrashAtAnyStepThenARerunLeavesTheTableExact() throws Exception {
    World clean = crashWorld();
    FlushCounts cleanCounts = run(crashJob(clean));
    Map<String, Row> expected = clean.table.rows();
    List<String> steps = clean.calls.log();
    assertThat(expected.get("A")).isEqualTo(new Row(end(0), end(2)));
    assertThat(expected.get("D")).isEqualTo(new Row(end(0), end(1)));
    assertThat(cleanCounts.inserted()).isEqualTo(expected.size());
    assertThat(steps).contains("insertIgnore#1", "refresh#1", "remove#1", "size#1");

    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 1; i <= steps.size(); i++) {
      for (Fault fault : Fault.values()) {
        int call = i;
        tests.add(
            dynamicTest(
                "killed " + fault + " " + steps.get(call - 1),
                () -> {
                  World w = crashWorld();
                  w.calls.crashAtCall(call, fault);
                  Future<FlushCounts> dead = on(crashJob(w)::run);
                  assertThat(dead.failed()).isTrue();
                  assertThat(dead.cause()).isInstanceOf(InjectedFailure.class);
                  settle(w);
                  assertNoRecordWithoutItsBucket(w, 3);
                  int rowsAtCrash = w.table.rows().size();
                  w.calls.clearFaults();

                  FlushCounts rerun = run(crashJob(w));

                  assertThat(w.table.rows()).isEqualTo(expected);
                  assertThat(w.buffer.keys()).as("sets and records drained together").isEmpty();
                  assertThat(rerun.inserted()).isEqualTo(expected.size() - rowsAtCrash);
                }));
      }
    }
    return tests.stream();
  }

  /**
   * The set and its contributor record leave together (one atomic step): wherever the node died, no
   * record outlives its bucket, to be counted with a late write into it.
   */
  static void assertNoRecordWithoutItsBucket(World w, int buckets) {
    for (int i = 0; i < buckets; i++) {
      if (w.buffer.hasContributors(b(i))) {
        assertThat(w.buffer.members(b(i)))
            .as("the set of bucket %d, which has a record", i)
            .isNotEmpty();
      }
    }
  }

  /** One bucket with two contributors (k = 2), drained in several removals: chunks of 2. */
  static World lateWriteWorld() {
    World w = new World();
    w.buffer.write(b(0), "alice", "A", "B", "C");
    w.buffer.write(b(0), "bob", "C", "D", "E");
    w.closeThrough(0);
    return w;
  }

  static FlushJob lateWriteJob(World w) {
    return w.job(rule(2, 2, 86_400), 2);
  }

  /**
   * The node dies at every call of a bucket's publication (k = 2); then a lone late uploader, whose
   * clock lags (docs/DESIGN.md#ports-and-fakes), writes a rare ticker into that closed bucket. If
   * the crash came after the bucket was drained, its record went with its last members, so the late
   * write is counted alone and held below k — never published as if alice and bob, already
   * published, had held it too. If the bucket was not drained yet, she joins it like any writer
   * before its publication.
   */
  @TestFactory
  Stream<DynamicTest> aLateWriteIntoABucketDrainedBeforeACrashIsCountedAlone() throws Exception {
    World clean = lateWriteWorld();
    run(lateWriteJob(clean));
    Map<String, Row> expected = clean.table.rows();
    List<String> steps = clean.calls.log();
    assertThat(expected).containsOnlyKeys("A", "B", "C", "D", "E");
    assertThat(clean.calls.count("remove")).as("drained in several removals").isGreaterThan(1);

    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 1; i <= steps.size(); i++) {
      for (Fault fault : Fault.values()) {
        int call = i;
        tests.add(
            dynamicTest(
                "killed " + fault + " " + steps.get(call - 1),
                () -> {
                  World w = lateWriteWorld();
                  w.calls.crashAtCall(call, fault);
                  assertThat(on(lateWriteJob(w)::run).failed()).isTrue();
                  settle(w);
                  assertNoRecordWithoutItsBucket(w, 1);
                  boolean drained = w.buffer.members(b(0)).isEmpty();
                  w.calls.clearFaults();
                  w.clock.advance(Duration.ofMinutes(10));

                  w.buffer.write(b(0), "mallory", "RARE");
                  FlushCounts rerun = run(lateWriteJob(w));

                  if (drained) {
                    assertThat(rerun.held()).as("mallory alone is below k").isEqualTo(1);
                    assertThat(w.table.rows()).isEqualTo(expected);
                    assertThat(w.buffer.members(b(0))).containsExactly("RARE");
                  } else {
                    assertThat(rerun.contributors()).isEqualTo(3);
                    assertThat(w.table.rows())
                        .containsAllEntriesOf(expected)
                        .containsEntry("RARE", new Row(end(0), end(0)))
                        .hasSize(expected.size() + 1);
                    assertThat(w.buffer.keys()).isEmpty();
                  }
                }));
      }
    }
    return tests.stream();
  }

  /** Waits until the dead run's last replies (all failures) have been delivered. */
  static void settle(World w) throws Exception {
    int stable = 0;
    int seen = -1;
    while (stable < 3) {
      on(Future::succeededFuture);
      stable = w.calls.count() == seen ? stable + 1 : 0;
      seen = w.calls.count();
    }
  }

  /**
   * A crash inside a pool's publication (k > 1) after a bucket was drained and its contributors
   * dropped: the rerun counts the rest of the pool on its own, and holds it below k rather than
   * publishing it with fewer (the safe side), until more contributors come.
   */
  @Test
  void aCrashInsideAPoolsPublicationNeverPublishesTheRestBelowK() throws Exception {
    World w = new World();
    FlushJob job = w.job(rule(2, 2, 86_400), 10);
    w.buffer.write(b(0), "alice", "A");
    w.buffer.write(b(1), "bob", "B");
    w.closeThrough(1);
    // Dies as the second bucket's read starts: the first is written, removed, its record dropped
    // (with its last members).
    w.calls.crashAtStep("members", 2, Fault.BEFORE);
    Future<FlushCounts> dead = on(job::run);
    assertThat(dead.failed()).isTrue();
    settle(w);
    assertThat(w.calls.log().get(w.calls.count() - 1)).startsWith("members#");
    assertThat(w.table.rows()).containsOnlyKeys("A");
    assertThat(w.buffer.hasContributors(b(0))).isFalse();
    w.calls.clearFaults();

    assertThat(run(job).held()).as("bob alone is below k").isEqualTo(1);
    assertThat(w.table.rows()).containsOnlyKeys("A");
    w.buffer.write(b(2), "carol", "C");
    w.closeThrough(2);
    run(job);
    assertThat(w.table.rows())
        .isEqualTo(
            Map.of(
                "A", new Row(end(1), end(1)),
                "B", new Row(end(2), end(2)),
                "C", new Row(end(2), end(2))));
  }

  /**
   * The lease is lost during a run (renewal fails: another node took it) and that node flushes the
   * same buckets at the same time: the run goes on (its work is idempotent), and the two together
   * leave the exact table, every row created once.
   */
  @Test
  void aLostLeaseCostsDuplicateWorkNeverData() throws Exception {
    World w = new World();
    InMemoryLease lease = new InMemoryLease(w.clock, 3000).loseAfterRenewals(2, "b");
    Lease ofA = lease.holder("a");
    Lease ofB = lease.holder("b");
    List<String> tickers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tickers.add("L" + i);
    }
    w.buffer.write(b(0), "alice", tickers.toArray(String[]::new));
    w.closeThrough(0);
    FlushJob jobOfA = w.job(rule(1, 1, 0), 4, ofA::renew);
    FlushJob jobOfB = w.job(rule(1, 1, 0), 4, ofB::renew);
    LeasedJob<FlushCounts> a = new LeasedJob<>(ofA, jobOfA::run);
    LeasedJob<FlushCounts> b = new LeasedJob<>(ofB, jobOfB::run);
    List<Future<?>> ofBRun = new ArrayList<>();
    // b starts as soon as it holds the lease, while a is still flushing.
    w.calls.beforeStep("members", 4, () -> ofBRun.add(b.run()));

    var resultOfA = on(a::run).await();
    on(() -> ofBRun.get(0)).await();

    assertThat(lease.renewals()).isGreaterThanOrEqualTo(2);
    assertThat(resultOfA).as("a finished its run").isPresent();
    @SuppressWarnings("unchecked")
    var resultOfB = (java.util.Optional<FlushCounts>) ofBRun.get(0).result();
    assertThat(resultOfB).as("b ran").isPresent();
    assertThat(resultOfA.get().inserted() + resultOfB.get().inserted()).isEqualTo(40);
    assertThat(w.table.rows())
        .hasSize(40)
        .allSatisfy((t, r) -> assertThat(r.firstSeenAt()).isEqualTo(end(0)));
    assertThat(w.buffer.keys()).isEmpty();
    assertThat(lease.current()).as("b released its lease; a never held it again").isEmpty();
  }
}
