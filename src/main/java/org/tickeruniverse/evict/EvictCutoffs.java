package org.tickeruniverse.evict;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The cut-offs of one eviction run, fixed when it starts (docs/DESIGN.md#evict). Pure.
 *
 * <p>A row is evicted once {@code last_referenced_at < ttl − offset(ticker) days}, with {@code 0 ≤
 * offset < spreadDays} drawn per ticker from a secret: rows last referenced at the same moment —
 * one leaver's holdings — leave the universe on different days spread over {@code spreadDays} days
 * after the TTL, mixed with other rows' days, instead of together in one run's diff. Every row last
 * referenced before {@link #all()} goes whatever its offset, so none outlives TTL + spread. With a
 * spread of 0 or 1 day every offset is 0: eviction at exactly the TTL, the original behaviour.
 *
 * @param ttl rows last referenced at or after this are never evicted by this run
 * @param all rows last referenced before this are all evicted by this run ({@code ttl} minus the
 *     largest offset)
 * @param spreadDays the number of days offsets are spread over (0: none)
 */
public record EvictCutoffs(Instant ttl, Instant all, int spreadDays) {

  private static final Duration DAY = Duration.ofDays(1);

  public static EvictCutoffs at(Instant now, int ttlDays, int spreadDays) {
    if (ttlDays < 0 || spreadDays < 0) {
      throw new IllegalArgumentException("ttlDays and spreadDays must not be negative");
    }
    Instant ttl = now.minus(DAY.multipliedBy(ttlDays));
    return new EvictCutoffs(ttl, ttl.minus(DAY.multipliedBy(maxOffset(spreadDays))), spreadDays);
  }

  /** Whether offsets apply at all (a spread of one day has only offset 0). */
  public boolean spread() {
    return spreadDays > 1;
  }

  /** The cut-off of a row whose ticker has {@code offsetDays}. */
  public Instant cutoff(int offsetDays) {
    return ttl.minus(DAY.multipliedBy(offsetDays));
  }

  /** Whether this run evicts a row of this offset and last reference (what the SQL decides). */
  public boolean evicts(Instant lastReferenced, int offsetDays) {
    return lastReferenced.isBefore(ttl)
        && (lastReferenced.isBefore(all) || lastReferenced.isBefore(cutoff(offsetDays)));
  }

  private static int maxOffset(int spreadDays) {
    return Math.max(0, spreadDays - 1);
  }

  /**
   * The offset of {@code ticker}: the first 32 bits of SHA-256({@code secret} ‖ {@code ticker}),
   * modulo the spread — the same function as the SQL of {@code store.Sql#EVICT_OFFSET_DAYS}, for
   * tests and tools; the service computes it in the DELETE statement so that batches stay
   * deterministic.
   */
  public static int offsetDays(String secret, String ticker, int spreadDays) {
    if (spreadDays <= 1) {
      return 0;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((secret + ticker).getBytes(StandardCharsets.UTF_8));
      long first32 = Long.parseLong(HexFormat.of().formatHex(hash, 0, 4), 16);
      return (int) (first32 % spreadDays);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
