package org.tickeruniverse.ticker;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one definition of a valid ticker (docs/DESIGN.md#operations): a Yahoo Finance symbol,
 * normalised by stripping surrounding whitespace and upper-casing ASCII letters, then 1–32
 * characters of {@code A-Z 0-9 . - = ^ &}.
 *
 * <p>Pure: no Vert.x, no I/O. Both the HTTP edge and the event-bus consumers use it.
 */
public final class Ticker {

  public static final int MAX_LENGTH = 32;

  /**
   * The grammar of docs/DESIGN.md#operations, as a regex; {@link #isValid} implements it as a loop.
   */
  public static final Pattern GRAMMAR = Pattern.compile("[A-Z0-9.\\-=^&]{1," + MAX_LENGTH + "}");

  private Ticker() {}

  /**
   * Normalises a raw entry. Returns empty for a blank entry (which callers skip), otherwise the
   * stripped, upper-cased text — which may still be invalid; check with {@link #isValid}.
   */
  public static Optional<String> normalise(String raw) {
    String stripped = stripSpace(raw);
    if (stripped.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(asciiUpperCase(stripped));
  }

  /**
   * Strips what Python's {@code str.strip()} strips — Unicode white space including no-break
   * spaces, which Java's {@link String#strip()} keeps — so that the same upload gives the same
   * ticker here as in the original service. Control characters are not space: they stay and make
   * the ticker invalid rather than silently disappearing.
   */
  private static String stripSpace(String raw) {
    int start = 0;
    int end = raw.length();
    while (start < end && isSpace(raw.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(raw.charAt(end - 1))) {
      end--;
    }
    return raw.substring(start, end);
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * Upper-cases a-z only. {@link String#toUpperCase} would turn non-ASCII letters into ASCII ("ıbm"
   * → "IBM", "ß" → "SS", "ﬀ" → "FF") and so let them pass the grammar; left alone they stay
   * non-ASCII and are refused. Locale-independent too (no Turkish dotted I).
   */
  private static String asciiUpperCase(String text) {
    boolean lower = false;
    for (int i = 0; i < text.length() && !lower; i++) {
      char c = text.charAt(i);
      lower = c >= 'a' && c <= 'z';
    }
    if (!lower) {
      return text; // the usual case: already upper-case, nothing to copy
    }
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (c >= 'a' && c <= 'z') {
        chars[i] = (char) (c - ('a' - 'A'));
      }
    }
    return new String(chars);
  }

  /** True when an already-normalised ticker matches the grammar. */
  public static boolean isValid(String normalised) {
    if (normalised == null || normalised.isEmpty() || normalised.length() > MAX_LENGTH) {
      return false;
    }
    // A loop rather than the regex it spells out (GRAMMAR, kept for the record and the tests):
    // this runs for every ticker of every request, twice.
    for (int i = 0; i < normalised.length(); i++) {
      if (!isSymbolChar(normalised.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSymbolChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '='
        || c == '^'
        || c == '&';
  }
}
