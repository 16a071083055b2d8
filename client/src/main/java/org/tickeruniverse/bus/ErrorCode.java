package org.tickeruniverse.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Every error the service answers, each once: its HTTP status and its machine-readable code. The
 * HTTP edge renders them as {@code {"error":{"code":"…","message":"…"}}}; the event-bus API sends
 * the status as the explicit int {@link ReplyException#failureCode()} (so a reply failure maps to
 * an HTTP status without a table and survives the cluster unchanged) and, as the failure's message,
 * a small JSON object {@code {"code":"…","message":"…","offenders":[…]}}, so the typed client and
 * the HTTP edge show the same text. See docs/DESIGN.md#interfaces.
 */
public enum ErrorCode {
  INVALID_INPUT(400, "invalid_input"),
  MALFORMED_JSON(400, "malformed_json"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  /**
   * The synchronous upsert is closed ({@code upsert.enabled=false}, the privacy profiles' default):
   * it would publish at once, outside the pool. After {@link #FORBIDDEN} so that {@link
   * #ofCode}(403) stays that.
   */
  UPSERT_DISABLED(403, "upsert_disabled"),
  /**
   * A buffer request naming a {@code contributor} with a token that is not a proxy token: only
   * backends that upload for many users may name them (docs/DESIGN.md#contributors). After {@link
   * #FORBIDDEN} so that {@link #ofCode}(403) stays that.
   */
  CONTRIBUTOR_NOT_ALLOWED(403, "contributor_not_allowed"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /**
   * A leased job (flush, evict) that did not run because another holder's lease is live; the
   * message carries {@value #RETRY_AFTER_SECONDS}, how long until that lease ends.
   */
  BUSY(409, "busy"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  /**
   * A caller token sent buffer requests faster than {@code buffer.ratePerToken} (after its burst);
   * refused at the HTTP edge before the body is read, with {@code Retry-After}.
   */
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal_error"),
  STORE_UNAVAILABLE(503, "store_unavailable"),
  UNIVERSE_UNAVAILABLE(503, "universe_unavailable"),
  /**
   * Refused before any work because a bound is full (buffer requests waiting for Redis, requests
   * per connection); 503 like a store outage, told apart by its code. After {@link
   * #STORE_UNAVAILABLE} so that {@link #ofCode}(503) stays that.
   */
  OVERLOADED(503, "overloaded"),
  /**
   * The buffer write reached the primary but fewer than {@code buffer.ackReplicas} replicas
   * confirmed it in time (Redis WAIT): not acknowledged. Retrying is harmless (the set add and the
   * contributor count are idempotent).
   */
  NOT_REPLICATED(503, "not_replicated");

  /** Field of a failure's JSON message: seconds until trying again makes sense. */
  public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

  private final int code;
  private final String name;

  ErrorCode(int code, String name) {
    this.code = code;
    this.name = name;
  }

  /** The int sent as {@link ReplyException#failureCode()}; explicit, never an ordinal. */
  public int code() {
    return code;
  }

  /** The machine-readable code in error bodies. */
  public String errorCode() {
    return name;
  }

  public String body(String message) {
    return body(message, List.of());
  }

  public String body(String message, List<String> offenders) {
    return body(message, offenders, 0);
  }

  /** With {@code retryAfterSeconds} when it is positive. */
  public String body(String message, List<String> offenders, int retryAfterSeconds) {
    JsonObject json = new JsonObject().put("code", name).put("message", message);
    if (!offenders.isEmpty()) {
      json.put("offenders", new JsonArray(List.copyOf(offenders)));
    }
    if (retryAfterSeconds > 0) {
      json.put(RETRY_AFTER_SECONDS, retryAfterSeconds);
    }
    return json.encode();
  }

  /** The first code with this status: what a bus failure of that status means by default. */
  public static ErrorCode ofCode(int code) {
    for (ErrorCode f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    return INTERNAL;
  }

  /** The JSON details of a reply failure, whatever produced it (time-out, no handler, ours). */
  public static JsonObject details(Throwable error) {
    if (error instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        try {
          JsonObject parsed = new JsonObject(String.valueOf(re.getMessage()));
          if (parsed.containsKey("code")) {
            return parsed;
          }
        } catch (DecodeException | ClassCastException notOurs) {
          // fall through: a failure not produced by this service's handlers
        }
        return new JsonObject()
            .put("code", ofCode(re.failureCode()).errorCode())
            .put("message", "request failed");
      }
      // NO_HANDLERS / TIMEOUT / ERROR: the owning verticle is not there or too slow.
      return new JsonObject()
          .put("code", STORE_UNAVAILABLE.errorCode())
          .put(
              "message",
              "the service is temporarily unavailable ("
                  + re.failureType().name().toLowerCase()
                  + ")");
    }
    return new JsonObject().put("code", INTERNAL.errorCode()).put("message", "internal error");
  }

  /** The HTTP-like status of any failure of an event-bus request. */
  public static int status(Throwable error) {
    if (error instanceof ReplyException re) {
      return re.failureType() == ReplyFailure.RECIPIENT_FAILURE
          ? ofCode(re.failureCode()).code
          : STORE_UNAVAILABLE.code;
    }
    return INTERNAL.code;
  }
}
