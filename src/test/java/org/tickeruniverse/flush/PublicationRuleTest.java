package org.tickeruniverse.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.flush.PublicationRule.Decision;
import org.tickeruniverse.flush.PublicationRule.Reason;

/** The publication rule alone: pure inputs, no Vert.x, no stores. */
class PublicationRuleTest {

  static final long W = 300;
  static final long T = 1_800_000_000L - (1_800_000_000L % W); // a bucket boundary

  private static Decision decide(
      PublicationRule rule, long now, long[] cumulative, long... starts) {
    List<Long> pool = new ArrayList<>();
    for (long s : starts) {
      pool.add(s);
    }
    return rule.decide(pool, cumulative, now);
  }

  @Test
  void anEmptyPoolPublishesNothing() {
    Decision d = new PublicationRule(3, 1, 3600, W).decide(List.of(), new long[0], T);
    assertThat(d.publishes()).isFalse();
    assertThat(d.reason()).isEqualTo(Reason.EMPTY);
  }

  @Test
  void kEqualOnePublishesEachBucketOnItsOwnLikeBeforeThePool() {
    PublicationRule rule = new PublicationRule(1, 1, 86_400, W);
    Decision d = decide(rule, T + 3 * W, new long[] {1, 2, 2}, T, T + W, T + 2 * W);
    assertThat(d.publish()).isEqualTo(1);
    assertThat(d.reason()).isEqualTo(Reason.REACHED_K);
    assertThat(d.contributors()).isEqualTo(1);
  }

  @Test
  void belowKThePoolIsHeldWhole() {
    PublicationRule rule = new PublicationRule(3, 1, 3600, W);
    Decision d = decide(rule, T + 2 * W + 5, new long[] {2, 2}, T, T + W);
    assertThat(d.publish()).isZero();
    assertThat(d.reason()).isEqualTo(Reason.HELD_BELOW_K);
    assertThat(d.contributors()).isEqualTo(2);
    assertThat(d.oldestHeldSeconds()).isEqualTo(W + 5);
  }

  @Test
  void theShortestRunOfOldestBucketsReachingKIsPublished() {
    PublicationRule rule = new PublicationRule(3, 1, 3600, W);
    Decision d = decide(rule, T + 4 * W, new long[] {1, 2, 3, 4}, T, T + W, T + 2 * W, T + 3 * W);
    assertThat(d.publish()).isEqualTo(3);
    assertThat(d.contributors()).isEqualTo(3);
  }

  @Test
  void afterTheMaximumHoldTheAfterHoldThresholdDecides() {
    PublicationRule rule = new PublicationRule(5, 2, 3600, W);
    long justBefore = T + W + 3599;
    assertThat(decide(rule, justBefore, new long[] {2}, T).reason()).isEqualTo(Reason.HELD_BELOW_K);
    Decision released = decide(rule, T + W + 3600, new long[] {2, 2}, T, T + W);
    assertThat(released.publish()).isEqualTo(2);
    assertThat(released.reason()).isEqualTo(Reason.RELEASED_AFTER_HOLD);
    assertThat(released.belowThreshold()).isTrue();
    Decision stillHeld = decide(rule, T + W + 7200, new long[] {1, 1}, T, T + W);
    assertThat(stillHeld.publish()).isZero();
    assertThat(stillHeld.reason()).isEqualTo(Reason.HELD_BELOW_AFTER_HOLD);
  }

  // ---- property: a day of random uploads and flush times -------------------------------------

  record Upload(int bucket, int contributor) {}

  record Scenario(
      int k, int afterHold, int maxHoldBuckets, List<Upload> uploads, List<Integer> flushGaps) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> k = Arbitraries.integers().between(1, 6);
    Arbitrary<List<Upload>> uploads =
        Combinators.combine(
                Arbitraries.integers().between(0, 47), Arbitraries.integers().between(0, 7))
            .as(Upload::new)
            .list()
            .ofMaxSize(60);
    Arbitrary<List<Integer>> gaps =
        Arbitraries.integers().between(1, 5).list().ofMinSize(1).ofMaxSize(40);
    return Combinators.combine(
            k,
            Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(1, 20),
            uploads,
            gaps)
        .as((kk, after, hold, up, g) -> new Scenario(kk, Math.min(after, kk), hold, up, g));
  }

  /**
   * For any uploads and any flush times: every publication had at least k distinct contributors, or
   * its oldest bucket had been held the maximum and it had at least the after-hold threshold;
   * nothing is published twice; and when flushes continue past the hold, only a pool below the
   * after-hold threshold is still held.
   */
  @Property(tries = 1000)
  void everyPublicationHadKContributorsOrWasReleasedAfterTheHold(@ForAll("scenarios") Scenario s) {
    PublicationRule rule = new PublicationRule(s.k(), s.afterHold(), s.maxHoldBuckets() * W, W);
    TreeMap<Long, Set<Integer>> buckets = new TreeMap<>(); // closed-or-open, unpublished
    for (Upload u : s.uploads()) {
      buckets.computeIfAbsent(T + u.bucket() * W, b -> new HashSet<>()).add(u.contributor());
    }
    Set<Long> published = new HashSet<>();
    long now = T;
    List<Integer> gaps = new ArrayList<>(s.flushGaps());
    // Then keep flushing at every boundary for long enough that every hold has expired.
    for (int i = 0; i < 48 + s.maxHoldBuckets() + 2; i++) {
      gaps.add(1);
    }
    for (int gap : gaps) {
      now += gap * W;
      while (true) {
        long closedBefore = now;
        List<Long> pool = buckets.keySet().stream().filter(b -> b + W <= closedBefore).toList();
        long[] cumulative = new long[pool.size()];
        Set<Integer> union = new HashSet<>();
        for (int i = 0; i < pool.size(); i++) {
          union.addAll(buckets.get(pool.get(i)));
          cumulative[i] = union.size();
        }
        Decision d = rule.decide(pool, cumulative, now);
        if (!d.publishes()) {
          break;
        }
        Set<Integer> contributors = new HashSet<>();
        for (long b : pool.subList(0, d.publish())) {
          contributors.addAll(buckets.remove(b));
          assertThat(published.add(b)).as("published once").isTrue();
        }
        assertThat(d.contributors()).isEqualTo(contributors.size());
        boolean releasedAfterHold =
            now - (pool.get(0) + W) >= s.maxHoldBuckets() * W
                && contributors.size() >= s.afterHold();
        assertThat(contributors.size() >= s.k() || releasedAfterHold)
            .as("publication of %d contributors, k=%d", contributors.size(), s.k())
            .isTrue();
      }
    }
    // Once flushes went on past every hold, what is still held is a pool too small even for the
    // after-hold threshold (it waits for more contributors), never one the rule forgot.
    Set<Integer> stillHeld = new HashSet<>();
    buckets.values().forEach(stillHeld::addAll);
    assertThat(stillHeld.size())
        .as("held after the hold: %s", buckets)
        .isLessThan(Math.max(1, s.afterHold()));
    if (s.afterHold() == 1) {
      assertThat(buckets)
          .as("nothing is held for ever when one contributor suffices after the hold")
          .isEmpty();
    }
  }

  @Property(tries = 200)
  void kEqualOneNeverHoldsAnything(@ForAll @IntRange(min = 1, max = 30) int n) {
    PublicationRule rule = new PublicationRule(1, 1, 86_400, W);
    List<Long> pool = new ArrayList<>();
    long[] cumulative = new long[n];
    for (int i = 0; i < n; i++) {
      pool.add(T + i * W);
      cumulative[i] = 1 + i / 2;
    }
    assertThat(rule.decide(pool, cumulative, T + n * W).publish()).isEqualTo(1);
  }
}
