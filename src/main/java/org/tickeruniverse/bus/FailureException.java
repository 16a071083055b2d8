package org.tickeruniverse.bus;

/** A refusal that maps to a {@link Failure} code, e.g. upsert switched off by configuration. */
public final class FailureException extends RuntimeException {

  private final Failure failure;

  public FailureException(Failure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
