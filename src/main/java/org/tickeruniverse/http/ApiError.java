package org.tickeruniverse.http;

import java.util.List;
import org.tickeruniverse.bus.ErrorCode;

/**
 * A failure with its HTTP answer already decided: status, machine-readable code, a message meant
 * for the caller, and for invalid tickers the offending entries. Handlers fail the routing context
 * with one of these and {@link ErrorResponder} renders it; anything else that reaches the failure
 * handler is classified there.
 *
 * <p>No stack trace: this is an answer, not a bug, and it is cheap to create per request.
 */
final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final List<String> offenders;
  private final int retryAfterSeconds;

  ApiError(int status, String code, String message, List<String> offenders, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.offenders = offenders == null ? List.of() : List.copyOf(offenders);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiError of(ErrorCode code, String message) {
    return new ApiError(code.code(), code.errorCode(), message, List.of(), 0);
  }

  static ApiError invalidInput(String message, List<String> offenders) {
    return new ApiError(400, ErrorCode.INVALID_INPUT.errorCode(), message, offenders, 0);
  }

  static ApiError rateLimited(int retryAfterSeconds) {
    return new ApiError(
        ErrorCode.RATE_LIMITED.code(),
        ErrorCode.RATE_LIMITED.errorCode(),
        "too many buffer requests for this token; try again after Retry-After",
        List.of(),
        retryAfterSeconds);
  }

  static ApiError malformedJson() {
    return of(ErrorCode.MALFORMED_JSON, "the request body is not well-formed JSON");
  }

  static ApiError unauthorized(String message) {
    return of(ErrorCode.UNAUTHORIZED, message);
  }

  static ApiError forbidden(String message) {
    return of(ErrorCode.FORBIDDEN, message);
  }

  static ApiError notFound(String message) {
    return of(ErrorCode.NOT_FOUND, message);
  }

  /** A refusal (503, 409) with {@code Retry-After}. */
  static ApiError unavailable(ErrorCode code, String message, int retryAfterSeconds) {
    return new ApiError(code.code(), code.errorCode(), message, List.of(), retryAfterSeconds);
  }

  /** A leased job refused while another holder's lease is live: 409 with Retry-After. */
  static ApiError busy(String message, int retryAfterSeconds) {
    return unavailable(ErrorCode.BUSY, message, retryAfterSeconds);
  }

  static ApiError internal() {
    return of(ErrorCode.INTERNAL, "internal error");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  List<String> offenders() {
    return offenders;
  }

  /** Seconds for {@code Retry-After}, or 0 for none. */
  int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
