package org.tickeruniverse.privacy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.tickeruniverse.config.Setting;

/**
 * How precisely {@code last_referenced_at} is written ({@code privacy.stampPrecision},
 * docs/DESIGN.md#time-stamps-are-quantised-to-buckets). The one place the stamp is cut; pure.
 *
 * <p>A bucket stamp is exact enough to link rows: at a handful of users, rare tickers that share
 * one bucket stamp are one person's refresh or upload for anyone who reads the table, a dump or the
 * binlog. At day precision every reference of a UTC day writes the same value, so the table groups
 * a day's references together, not one caller's. {@code first_seen_at} is not cut: it is the
 * publication's stamp, which the published universe shows anyway.
 */
public enum StampPrecision {

  /** 00:00:00 UTC of the stamp's day: the default. */
  DAY,

  /** The stamp as given (a bucket boundary): the behaviour of the original service. */
  EXACT;

  /** The setting's value ({@code day} or {@code exact}, as {@link Setting} validates it). */
  public static StampPrecision of(String setting) {
    return switch (setting.strip().toLowerCase(Locale.ROOT)) {
      case "day" -> DAY;
      case "exact" -> EXACT;
      default ->
          throw new IllegalArgumentException(
              Setting.at("privacy.stampPrecision").env() + " must be day or exact: " + setting);
    };
  }

  /** The value written to {@code last_referenced_at} for a reference stamped {@code stamp}. */
  public Instant lastReferenced(Instant stamp) {
    return this == DAY ? stamp.truncatedTo(ChronoUnit.DAYS) : stamp;
  }
}
