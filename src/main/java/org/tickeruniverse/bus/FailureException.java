package org.tickeruniverse.bus;

/** A refusal that maps to a {@link ErrorCode} code, e.g. upsert switched off by configuration. */
public final class FailureException extends RuntimeException {

  private final ErrorCode failure;

  public FailureException(ErrorCode failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public ErrorCode failure() {
    return failure;
  }
}
