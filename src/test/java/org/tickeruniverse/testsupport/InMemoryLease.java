package org.tickeruniverse.testsupport;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import org.tickeruniverse.job.Lease;

/**
 * One lease record shared by the nodes of a test, with what RedisLease and MysqlLease guarantee:
 * one holder at a time, for {@code ttlMillis} from its last acquire or renewal; only the holder
 * renews or releases. {@link #loseAfterRenewals}: the holder stalled and someone else took it.
 */
public final class InMemoryLease {

  private final Clock clock;
  private final long ttlMillis;
  private String holder;
  private long expiresAtMillis;
  private int renewals;
  private int loseAfter = -1;
  private String taker;

  public InMemoryLease(Clock clock, long ttlMillis) {
    this.clock = clock;
    this.ttlMillis = ttlMillis;
  }

  /** The lease as node {@code name} sees it. */
  public Lease holder(String name) {
    return new Lease() {
      @Override
      public Future<Boolean> acquire() {
        if (current().isEmpty() || name.equals(holder)) {
          take(name);
          return Future.succeededFuture(true);
        }
        return Future.succeededFuture(false);
      }

      @Override
      public Future<Boolean> renew() {
        if (!name.equals(current().orElse(null))) {
          return Future.succeededFuture(false);
        }
        renewals++;
        if (renewals == loseAfter) {
          take(taker);
          return Future.succeededFuture(false);
        }
        take(name);
        return Future.succeededFuture(true);
      }

      @Override
      public Future<Void> release() {
        if (name.equals(current().orElse(null))) {
          holder = null;
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<Long> millisUntilRetry() {
        return Future.succeededFuture(
            current().isEmpty() ? 0L : Math.max(0, expiresAtMillis - clock.millis()));
      }
    };
  }

  /**
   * The {@code n}-th renewal (counted over all holders) fails: {@code taker} holds it from then.
   */
  public InMemoryLease loseAfterRenewals(int n, String taker) {
    this.loseAfter = n;
    this.taker = taker;
    return this;
  }

  /** Who holds it now (empty once it expired or was released). */
  public Optional<String> current() {
    if (holder != null && clock.millis() >= expiresAtMillis) {
      holder = null;
    }
    return Optional.ofNullable(holder);
  }

  public int renewals() {
    return renewals;
  }

  private void take(String name) {
    holder = name;
    expiresAtMillis = clock.millis() + ttlMillis;
  }
}
