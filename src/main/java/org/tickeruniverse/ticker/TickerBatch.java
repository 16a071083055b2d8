package org.tickeruniverse.ticker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A request's tickers after normalisation: distinct, sorted, every one valid. Built only through
 * {@link #parse}, which refuses the whole request when any entry is invalid (nothing partial is
 * ever written) and names the offenders.
 *
 * <p>Sorted because every writer (Redis and MySQL) benefits from a stable order: MySQL takes row
 * locks in that order, so two concurrent upserts cannot deadlock on each other.
 */
public final class TickerBatch {

  /** How many offenders an error message quotes at most, so an error stays small. */
  static final int MAX_REPORTED_OFFENDERS = 20;

  private final List<String> tickers;

  private TickerBatch(List<String> tickers) {
    this.tickers = tickers;
  }

  /**
   * Normalises and validates raw entries.
   *
   * @param entries the raw entries: anything that is not a string is an offender
   * @param maxTickers the most entries a request may carry (counted before de-duplication, so a
   *     caller cannot smuggle a huge body in as repeats)
   * @throws InvalidTickersException naming the problem and the offending entries
   */
  public static TickerBatch parse(List<?> entries, int maxTickers) {
    if (entries == null) {
      throw new InvalidTickersException("'tickers' must be an array of strings", List.of());
    }
    if (entries.size() > maxTickers) {
      throw tooMany(entries.size(), maxTickers);
    }
    Collector collector = collector();
    for (Object entry : entries) {
      if (entry instanceof String raw) {
        collector.add(raw);
      } else {
        collector.offend(String.valueOf(entry));
      }
    }
    return collector.finish(maxTickers);
  }

  /**
   * A batch built one entry at a time, for a reader that meets the entries while it parses a body
   * (the HTTP edge reads a body once: docs/PERFORMANCE.md#one-pass-over-a-ticker-body). The same
   * rules and the same answers as {@link #parse}, which uses it.
   */
  public static Collector collector() {
    return new Collector();
  }

  /** Collects raw entries; {@link #finish} gives the batch or the refusal {@link #parse} gives. */
  public static final class Collector {
    private final TreeSet<String> valid = new TreeSet<>();
    private final List<String> offenders = new ArrayList<>();
    private int entries;
    private int offenderCount;

    private Collector() {}

    /** One raw string entry: normalised, then kept if valid, skipped if blank, else an offender. */
    public void add(String raw) {
      Optional<String> normalised = Ticker.normalise(raw);
      if (normalised.isEmpty()) {
        entries++;
        return; // blank entries are skipped, as in the original module
      }
      if (Ticker.isValid(normalised.get())) {
        entries++;
        valid.add(normalised.get());
      } else {
        offend(raw);
      }
    }

    /** One entry that is no ticker at all, quoted as {@code shown}. */
    void offend(String shown) {
      entries++;
      offenderCount++;
      if (offenders.size() < MAX_REPORTED_OFFENDERS) {
        offenders.add(shown); // only the first few are quoted: an error stays small
      }
    }

    /** Entries added so far, blank, repeated and invalid ones included. */
    public int entries() {
      return entries;
    }

    /**
     * The batch; first refused when there are more than {@code maxTickers} entries, then when any
     * entry is invalid.
     */
    public TickerBatch finish(int maxTickers) {
      if (entries > maxTickers) {
        throw tooMany(entries, maxTickers);
      }
      if (offenderCount > 0) {
        throw new InvalidTickersException(
            offenderCount
                + " invalid ticker(s): each must be 1-"
                + Ticker.MAX_LENGTH
                + " characters of A-Z 0-9 . - = ^ & after trimming and upper-casing",
            offenders);
      }
      return new TickerBatch(List.copyOf(valid));
    }
  }

  private static InvalidTickersException tooMany(int given, int maxTickers) {
    return new InvalidTickersException(
        "too many tickers: " + given + " given, at most " + maxTickers + " allowed", List.of());
  }

  /** Distinct, normalised, sorted tickers. */
  public List<String> tickers() {
    return Collections.unmodifiableList(tickers);
  }

  public int size() {
    return tickers.size();
  }

  public boolean isEmpty() {
    return tickers.isEmpty();
  }
}
