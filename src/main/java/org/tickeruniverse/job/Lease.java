package org.tickeruniverse.job;

import io.vertx.core.Future;

/**
 * Permission for one node at a time to run a job (flush, evict), for at most a bounded time. A
 * lease is an optimisation, not the safety net: the jobs are idempotent, so two holders at once (a
 * lease that expired mid-run, clocks that disagree) cost duplicate work, never data.
 */
public interface Lease {

  /** True when this holder now owns the lease (or already did, in which case it is extended). */
  Future<Boolean> acquire();

  /** Extends the lease if this holder still owns it; false when it was lost. */
  Future<Boolean> renew();

  /** Gives the lease up if this holder owns it; never releases another holder's lease. */
  Future<Void> release();

  /**
   * How long a node that was refused waits before it tries again: until the current holder's lease
   * would have run out, so that a holder that died delays the work by at most one lease.
   */
  Future<Long> millisUntilRetry();
}
