package org.tickeruniverse.ticker;

import java.util.List;

/** A request carried at least one entry that is not a valid ticker; nothing was written. */
public final class InvalidTickersException extends RuntimeException {

  private final List<String> offenders;

  public InvalidTickersException(String message, List<String> offenders) {
    super(message, null, false, false); // no stack trace: this is an answer, not a bug
    this.offenders = List.copyOf(offenders);
  }

  /** The offending entries as the caller sent them (at most a handful). */
  public List<String> offenders() {
    return offenders;
  }
}
