package org.tickeruniverse.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Failure codes of the event-bus API: explicit HTTP-like ints, so a reply failure maps to an
 * HTTP status without a table and survives the cluster unchanged. The message of a failure is a
 * small JSON object {@code {"code":"…","message":"…","offenders":[…]}} so that the typed client
 * and the HTTP edge can show the same text.
 */
public enum Failure {
  INVALID_INPUT(400, "invalid_input"),
  FORBIDDEN(403, "forbidden"),
  /**
   * A leased job (flush, evict) that did not run because another holder's lease is live; the
   * message carries {@value #RETRY_AFTER_SECONDS}, how long until that lease ends.
   */
  BUSY(409, "busy"),
  STORE_UNAVAILABLE(503, "store_unavailable"),
  /**
   * Refused before any work because a bound is full (buffer requests waiting for Redis,
   * requests per connection); 503 like a store outage, told apart by its code. After
   * {@link #STORE_UNAVAILABLE} so that {@link #ofCode}(503) stays that.
   */
  OVERLOADED(503, "overloaded"),
  INTERNAL(500, "internal_error");

  /** Field of a failure's JSON message: seconds until trying again makes sense. */
  public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

  private final int code;
  private final String name;

  Failure(int code, String name) {
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

  public static Failure ofCode(int code) {
    for (Failure f : values()) {
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
        return new JsonObject().put("code", ofCode(re.failureCode()).errorCode())
            .put("message", "request failed");
      }
      // NO_HANDLERS / TIMEOUT / ERROR: the owning verticle is not there or too slow.
      return new JsonObject().put("code", STORE_UNAVAILABLE.errorCode())
          .put("message", "the service is temporarily unavailable (" + re.failureType().name().toLowerCase() + ")");
    }
    return new JsonObject().put("code", INTERNAL.errorCode()).put("message", "internal error");
  }

  /** The HTTP-like status of any failure of an event-bus request. */
  public static int status(Throwable error) {
    if (error instanceof ReplyException re) {
      return re.failureType() == ReplyFailure.RECIPIENT_FAILURE ? ofCode(re.failureCode()).code
          : STORE_UNAVAILABLE.code;
    }
    return INTERNAL.code;
  }
}
