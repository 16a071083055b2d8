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
      throw new InvalidTickersException(
          "too many tickers: " + entries.size() + " given, at most " + maxTickers + " allowed",
          List.of());
    }
    TreeSet<String> valid = new TreeSet<>();
    List<String> offenders = new ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof String raw)) {
        offenders.add(String.valueOf(entry));
        continue;
      }
      Optional<String> normalised = Ticker.normalise(raw);
      if (normalised.isEmpty()) {
        continue; // blank entries are skipped, as in the original module
      }
      if (Ticker.isValid(normalised.get())) {
        valid.add(normalised.get());
      } else {
        offenders.add(raw);
      }
    }
    if (!offenders.isEmpty()) {
      throw new InvalidTickersException(
          offenders.size()
              + " invalid ticker(s): each must be 1-"
              + Ticker.MAX_LENGTH
              + " characters of A-Z 0-9 . - = ^ & after trimming and upper-casing",
          offenders.subList(0, Math.min(offenders.size(), MAX_REPORTED_OFFENDERS)));
    }
    return new TickerBatch(List.copyOf(valid));
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
