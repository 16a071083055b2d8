package org.tickeruniverse.flush;

import java.util.List;

/**
 * When closed buckets may be published (docs/DESIGN.md#anonymity-the-publication-pool). Pure: the
 * flush feeds it what Redis says, under its lease, so every node decides alike.
 *
 * <p>All closed, unpublished buckets form one pool, oldest first. The oldest buckets are published
 * together as soon as they hold {@code minContributors} (k) distinct contributors: the shortest
 * such run of oldest buckets, so that a flush that comes late (downtime, a missed boundary)
 * publishes exactly what flushes at every boundary would have — with k = 1 that is each bucket on
 * its own, today's behaviour. When no run reaches k, the pool is held whole and grows with the next
 * buckets, until its oldest bucket has been held {@code maxHoldSeconds} (from its end); then the
 * whole pool is published if it has at least {@code minContributorsAfterHold}, and held further
 * otherwise.
 */
public final class PublicationRule {

  public enum Reason {
    /** No closed bucket. */
    EMPTY,
    /** The published buckets hold at least k contributors. */
    REACHED_K,
    /** Held the maximum, published with at least the after-hold threshold (fewer than k). */
    RELEASED_AFTER_HOLD,
    /** Fewer than k, not yet held the maximum. */
    HELD_BELOW_K,
    /** Held the maximum, yet fewer than the after-hold threshold. */
    HELD_BELOW_AFTER_HOLD
  }

  /**
   * @param publish how many of the pool's oldest buckets to publish now (0: hold them all)
   * @param contributors distinct contributors of what is published, or of the held pool
   * @param oldestHeldSeconds how long the pool's oldest bucket has been closed (0 when empty)
   */
  public record Decision(int publish, Reason reason, long contributors, long oldestHeldSeconds) {
    public boolean publishes() {
      return publish > 0;
    }

    public boolean belowThreshold() {
      return reason == Reason.RELEASED_AFTER_HOLD;
    }
  }

  private final int minContributors;
  private final int minContributorsAfterHold;
  private final long maxHoldSeconds;
  private final long bucketSeconds;

  public PublicationRule(
      int minContributors, int minContributorsAfterHold, long maxHoldSeconds, long bucketSeconds) {
    if (minContributors < 1
        || minContributorsAfterHold < 1
        || minContributorsAfterHold > minContributors
        || maxHoldSeconds < 0
        || bucketSeconds < 1) {
      throw new IllegalArgumentException("need 1 <= after-hold <= k, hold >= 0, bucket >= 1");
    }
    this.minContributors = minContributors;
    this.minContributorsAfterHold = minContributorsAfterHold;
    this.maxHoldSeconds = maxHoldSeconds;
    this.bucketSeconds = bucketSeconds;
  }

  public int minContributors() {
    return minContributors;
  }

  public int minContributorsAfterHold() {
    return minContributorsAfterHold;
  }

  public long maxHoldSeconds() {
    return maxHoldSeconds;
  }

  /**
   * @param poolStarts starts of the closed, unpublished buckets, ascending
   * @param cumulativeContributors element i: distinct contributors of buckets 0..i together
   * @param nowEpochSeconds the flush's clock
   */
  public Decision decide(
      List<Long> poolStarts, long[] cumulativeContributors, long nowEpochSeconds) {
    int n = poolStarts.size();
    if (cumulativeContributors.length != n) {
      throw new IllegalArgumentException("one count per bucket");
    }
    if (n == 0) {
      return new Decision(0, Reason.EMPTY, 0, 0);
    }
    long heldSeconds = Math.max(0, nowEpochSeconds - (poolStarts.get(0) + bucketSeconds));
    for (int i = 0; i < n; i++) {
      if (cumulativeContributors[i] >= minContributors) {
        return new Decision(i + 1, Reason.REACHED_K, cumulativeContributors[i], heldSeconds);
      }
    }
    long all = cumulativeContributors[n - 1];
    if (heldSeconds < maxHoldSeconds) {
      return new Decision(0, Reason.HELD_BELOW_K, all, heldSeconds);
    }
    return all >= minContributorsAfterHold
        ? new Decision(n, Reason.RELEASED_AFTER_HOLD, all, heldSeconds)
        : new Decision(0, Reason.HELD_BELOW_AFTER_HOLD, all, heldSeconds);
  }

  /** The rule in one line, for the start-up log. */
  public String describe() {
    return minContributors == 1
        ? "every closed bucket is published (k=1: no pool)"
        : "closed buckets are pooled and published once they hold k="
            + minContributors
            + " distinct contributors; a pool held "
            + maxHoldSeconds
            + " s is published with at least "
            + minContributorsAfterHold;
  }
}
