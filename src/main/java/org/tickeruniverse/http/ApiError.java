package org.tickeruniverse.http;

import java.util.List;
import org.tickeruniverse.bus.Failure;

/**
 * A failure with its HTTP answer already decided: status, machine-readable code, a message meant
 * for the caller, and for invalid tickers the offending entries. Handlers fail the routing
 * context with one of these and {@link ErrorResponder} renders it; anything else that reaches
 * the failure handler is classified there.
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

  static ApiError of(int status, String code, String message) {
    return new ApiError(status, code, message, List.of(), 0);
  }

  static ApiError invalidInput(String message, List<String> offenders) {
    return new ApiError(400, "invalid_input", message, offenders, 0);
  }

  static ApiError malformedJson() {
    return of(400, "malformed_json", "the request body is not well-formed JSON");
  }

  static ApiError unauthorized(String message) {
    return of(401, "unauthorized", message);
  }

  static ApiError forbidden(String message) {
    return of(403, "forbidden", message);
  }

  static ApiError notFound(String message) {
    return of(404, "not_found", message);
  }

  static ApiError unavailable(String code, String message, int retryAfterSeconds) {
    return new ApiError(503, code, message, List.of(), retryAfterSeconds);
  }

  /** A leased job refused while another holder's lease is live: 409 with Retry-After. */
  static ApiError busy(String message, int retryAfterSeconds) {
    return new ApiError(409, Failure.BUSY.errorCode(), message, List.of(), retryAfterSeconds);
  }

  static ApiError internal() {
    return of(500, "internal_error", "internal error");
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
