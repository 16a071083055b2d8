package org.tickeruniverse.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.tickeruniverse.ticker.InvalidTickersException;

/**
 * Answers an event-bus request with the outcome of a future: the value as the reply, or a {@link
 * ErrorCode} whose code says whose fault it was. Store errors are logged here (never with the
 * request's tickers: the bus carries no caller identity, but logs stay ticker-free anyway) and
 * answered as 503, so that no SQL text or class name reaches a caller.
 */
public final class Replies {

  private Replies() {}

  public static void reply(Message<?> msg, Future<JsonObject> outcome, Logger log) {
    outcome.onComplete(
        ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result());
            return;
          }
          Throwable e = ar.cause();
          if (e instanceof InvalidTickersException invalid) {
            msg.fail(
                ErrorCode.INVALID_INPUT.code(),
                ErrorCode.INVALID_INPUT.body(invalid.getMessage(), invalid.offenders()));
          } else if (e instanceof FailureException known) {
            msg.fail(
                known.failure().code(),
                known
                    .failure()
                    .body(known.getMessage(), java.util.List.of(), known.retryAfterSeconds()));
          } else {
            log.warn("{} failed: {}", msg.address(), describe(e));
            msg.fail(
                ErrorCode.STORE_UNAVAILABLE.code(),
                ErrorCode.STORE_UNAVAILABLE.body("a backing store is unavailable"));
          }
        });
  }

  /** Class and message of an error, one line (Redis errors are Throwables, not Exceptions). */
  public static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
