package org.tickeruniverse.bucket;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.OptionalLong;

/**
 * Bucket arithmetic (docs/DESIGN.md#data-layout): a bucket is {@code [start, start + width)} in
 * epoch seconds with {@code start = floor(epochSeconds / width) * width}, stored under {@code
 * <prefix>:buffer:<start>}. Pure: time comes from the injected {@link Clock}.
 */
public final class Buckets {

  private final String keyPrefix;
  private final long widthSeconds;
  private final long graceSeconds;
  private final Clock clock;
  private final String bufferKeyPrefix;

  public Buckets(String keyPrefix, long widthSeconds, long graceSeconds, Clock clock) {
    if (widthSeconds <= 0) {
      throw new IllegalArgumentException("bucket width must be positive");
    }
    if (graceSeconds < 0 || graceSeconds >= widthSeconds) {
      throw new IllegalArgumentException("grace must be in [0, width)");
    }
    this.keyPrefix = keyPrefix;
    this.widthSeconds = widthSeconds;
    this.graceSeconds = graceSeconds;
    this.clock = clock;
    this.bufferKeyPrefix = keyPrefix + ":buffer:";
  }

  public Clock clock() {
    return clock;
  }

  /** Start of the bucket that contains {@code epochSeconds}. */
  public long startOf(long epochSeconds) {
    return Math.floorDiv(epochSeconds, widthSeconds) * widthSeconds;
  }

  /** Start of the bucket open now. */
  public long currentStart() {
    return startOf(clock.instant().getEpochSecond());
  }

  public long endOf(long bucketStart) {
    return bucketStart + widthSeconds;
  }

  /** The Redis key of the bucket starting at {@code bucketStart}. */
  public String key(long bucketStart) {
    return bufferKeyPrefix + bucketStart;
  }

  public String currentKey() {
    return key(currentStart());
  }

  /**
   * The HyperLogLog of the distinct contributors (16-bit hashes under the key of the bucket's UTC
   * day) of the bucket starting at {@code bucketStart}: same prefix, so on Redis Cluster it shares
   * the bucket's hash slot, and outside the bucket pattern, so discovery never mistakes it for a
   * bucket (docs/DESIGN.md#anonymity-the-publication-pool).
   */
  public String contributorsKey(long bucketStart) {
    return keyPrefix + ":contributors:" + bucketStart;
  }

  /** The contributors key belonging to a bucket key of this prefix. */
  public String contributorsKeyOf(String bucketKey) {
    return contributorsKey(startOfKey(bucketKey));
  }

  /** The start of a bucket key of this prefix; an error for any other key. */
  public long startOfKey(String bucketKey) {
    return parseKey(bucketKey).orElseThrow(() -> new IllegalArgumentException("not a bucket key"));
  }

  /**
   * A scratch key (same slot) in which a flush script merges the pool's contributors of one UTC
   * day, and deletes again: contributors are keyed per day, so they are counted per day
   * (docs/DESIGN.md#the-pool-and-when-it-is-published).
   */
  public String poolScratchKey(LocalDate day) {
    return keyPrefix + ":contributors:pool:" + day;
  }

  /**
   * The UTC date of a bucket: the day whose key counts its contributors. A bucket never spans
   * midnight, since its width divides an hour.
   */
  public LocalDate utcDateOf(long bucketStart) {
    return LocalDate.ofEpochDay(Math.floorDiv(bucketStart, 86_400L));
  }

  /**
   * Where the service keeps the secret it created when none is configured (same slot as the
   * buckets, outside the bucket pattern): docs/DESIGN.md#contributors.
   */
  public String privacySecretKey() {
    return keyPrefix + ":privacy-secret";
  }

  /** SCAN pattern matching every bucket key of this prefix (glob characters escaped). */
  public String scanPattern() {
    return escapeGlob(bufferKeyPrefix) + "*";
  }

  /**
   * The bucket start encoded in a key of this prefix, or empty when the key is not a bucket key
   * (another prefix, a non-numeric or misaligned suffix). Keys from another writer of the same
   * format parse like our own.
   */
  public OptionalLong parseKey(String key) {
    if (!key.startsWith(bufferKeyPrefix)) {
      return OptionalLong.empty();
    }
    String suffix = key.substring(bufferKeyPrefix.length());
    if (suffix.isEmpty() || suffix.length() > 19 || !suffix.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    long start = Long.parseLong(suffix);
    return start % widthSeconds == 0 ? OptionalLong.of(start) : OptionalLong.empty();
  }

  /**
   * A bucket is closed once its end lies at least {@code grace} in the past: no writer whose clock
   * is at most {@code grace} behind ours still writes into it.
   */
  public boolean isClosed(long bucketStart) {
    return endOf(bucketStart) <= clock.instant().getEpochSecond() - graceSeconds;
  }

  /**
   * Milliseconds from now until the next flush moment (a bucket boundary plus grace). Always
   * positive, so a timer armed with it never fires twice for the same boundary.
   */
  public long millisUntilNextFlush() {
    long nowMillis = clock.millis();
    long periodMillis = widthSeconds * 1000;
    long offsetMillis = graceSeconds * 1000;
    long sinceBoundary = Math.floorMod(nowMillis - offsetMillis, periodMillis);
    return periodMillis - sinceBoundary;
  }

  /** The instant written to MySQL for tickers of this bucket: its end, never the flush time. */
  public Instant stampOf(long bucketStart) {
    return Instant.ofEpochSecond(endOf(bucketStart));
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  private static String escapeGlob(String literal) {
    StringBuilder out = new StringBuilder(literal.length() + 4);
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
