package org.tickeruniverse.ticker;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one definition of a valid ticker (SPEC §4): a Yahoo Finance symbol, normalised by
 * stripping surrounding whitespace and upper-casing, then 1–32 characters of
 * {@code A-Z 0-9 . - = ^ &}.
 *
 * <p>Pure: no Vert.x, no I/O. Both the HTTP edge and the event-bus consumers use it.
 */
public final class Ticker {

  public static final int MAX_LENGTH = 32;

  private static final Pattern GRAMMAR = Pattern.compile("[A-Z0-9.\\-=^&]{1," + MAX_LENGTH + "}");

  private Ticker() {
  }

  /**
   * Normalises a raw entry. Returns empty for a blank entry (which callers skip), otherwise the
   * stripped, upper-cased text — which may still be invalid; check with {@link #isValid}.
   * {@link String#strip()} (not trim) so that only Unicode whitespace counts as blank; control
   * characters survive and make the ticker invalid rather than silently disappearing.
   */
  public static Optional<String> normalise(String raw) {
    String stripped = raw.strip();
    if (stripped.isEmpty()) {
      return Optional.empty();
    }
    // Locale.ROOT: in a Turkish locale "i".toUpperCase() is a dotted capital I, not ASCII.
    return Optional.of(stripped.toUpperCase(Locale.ROOT));
  }

  /** True when an already-normalised ticker matches the grammar. */
  public static boolean isValid(String normalised) {
    return normalised != null && GRAMMAR.matcher(normalised).matches();
  }
}
