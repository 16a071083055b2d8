package org.tickeruniverse.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.shareddata.Shareable;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Buffer requests per caller token, in memory on one node: a token bucket per token (bucket4j)
 * holding {@code burst} requests and refilled at {@code ratePerSecond}. What one caller can force
 * on the buffer store is then bounded however fast it sends (docs/DESIGN.md#faults).
 *
 * <p>Keyed by the first 128 bits of the token's SHA-256, never by the token: the map holds no
 * secret. Bounded: a bucket idle for as long as a full refill takes is full again, the same as a
 * new one, so it is dropped (the map is access-ordered, so the idle ones are at its head and leave
 * in O(1) each); and never more than {@link #MAX_BUCKETS} entries (the least recently used goes
 * first). Only authenticated requests reach it, so in practice it holds at most one entry per
 * configured token.
 *
 * <p>Thread-safe (one lock; a request holds it for a hash look-up): every HTTP verticle instance of
 * a node shares the one limiter, as a {@link Shareable} in the node's local map.
 */
final class TokenRateLimiter implements Shareable {

  /** Hard bound on tokens tracked at once; ~300 bytes each, so about 3 MB at most. */
  static final int MAX_BUCKETS = 10_000;

  /** The answer for one request: allowed, or refused with seconds until a token is back (≥ 1). */
  record Decision(boolean allowed, int retryAfterSeconds) {
    static final Decision ALLOWED = new Decision(true, 0);
  }

  private record Key(long high, long low) {}

  private static final class Entry {
    final Bucket bucket;
    long lastUsedNanos;

    Entry(Bucket bucket) {
      this.bucket = bucket;
    }
  }

  private final int ratePerSecond;
  private final int burst;
  private final TimeMeter time;
  private final long idleNanos;
  private final int maxBuckets;
  private final LinkedHashMap<Key, Entry> buckets = new LinkedHashMap<>(64, 0.75f, true);

  TokenRateLimiter(int ratePerSecond, int burst, Clock clock) {
    this(ratePerSecond, burst, clock, MAX_BUCKETS);
  }

  TokenRateLimiter(int ratePerSecond, int burst, Clock clock, int maxBuckets) {
    if (ratePerSecond < 1 || burst < 1 || maxBuckets < 1) {
      throw new IllegalArgumentException("rate, burst and bound must be positive");
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.maxBuckets = maxBuckets;
    this.time = new ClockTime(clock);
    // A full refill: after this long without a request the bucket is full, like a fresh one.
    this.idleNanos = Math.max(1, Duration.ofSeconds(1).toNanos() * burst / ratePerSecond);
  }

  /** One request of the caller whose token hashes to {@code tokenDigest} (BearerTokens.digest). */
  synchronized Decision tryAcquire(byte[] tokenDigest) {
    long now = time.currentTimeNanos();
    evictIdle(now);
    ByteBuffer d = ByteBuffer.wrap(tokenDigest);
    Key key = new Key(d.getLong(), d.getLong());
    Entry entry = buckets.get(key);
    if (entry == null) {
      if (buckets.size() >= maxBuckets) {
        Iterator<Entry> eldest = buckets.values().iterator();
        eldest.next();
        eldest.remove();
      }
      entry =
          new Entry(
              Bucket.builder()
                  .addLimit(
                      limit ->
                          limit.capacity(burst).refillGreedy(ratePerSecond, Duration.ofSeconds(1)))
                  .withCustomTimePrecision(time)
                  .build());
      buckets.put(key, entry);
    }
    entry.lastUsedNanos = now;
    ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Decision.ALLOWED;
    }
    long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
    return new Decision(false, (int) Math.max(1, Math.min(seconds, Integer.MAX_VALUE)));
  }

  /** Buckets held now (for tests and the bound). */
  synchronized int size() {
    return buckets.size();
  }

  private void evictIdle(long now) {
    Iterator<Map.Entry<Key, Entry>> it = buckets.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue().lastUsedNanos < idleNanos) {
        return; // access order: everything after this one was used more recently
      }
      it.remove();
    }
  }

  /** bucket4j's time source from a {@link Clock}, so that tests move time instead of waiting. */
  private record ClockTime(Clock clock) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return true;
    }
  }
}
