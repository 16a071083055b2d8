package org.tickeruniverse.bus;

/**
 * A refusal that maps to a {@link ErrorCode} code, e.g. upsert switched off by configuration, or a
 * leased job refused while another holder's lease is live (with the seconds until it ends).
 */
public final class FailureException extends RuntimeException {

  private final ErrorCode failure;
  private final int retryAfterSeconds;

  public FailureException(ErrorCode failure, String message) {
    this(failure, message, 0);
  }

  public FailureException(ErrorCode failure, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.failure = failure;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ErrorCode failure() {
    return failure;
  }

  /** Seconds until trying again makes sense, or 0 when not applicable. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
