package org.tickeruniverse.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import java.util.Set;

/**
 * Recognises the common ticker body {@code {"tickers":["…", …]}} without the JSON-schema engine.
 * Only ever a shortcut to "valid": {@code plainlyValid} is true for a subset of what the
 * document's {@code TickersRequest} schema accepts (an object whose only property is an array of
 * strings), proven by {@code TickersBodyTest}; anything else is left to the document.
 */
final class TickersBody {

  /** The operations whose request body is {@code TickersRequest}. */
  private static final Set<String> OPERATIONS = Set.of("bufferTickers", "refreshTickers", "upsertTickers");

  private TickersBody() {
  }

  static boolean isTickersOperation(String operationId) {
    return OPERATIONS.contains(operationId);
  }

  static boolean plainlyValid(RequestBody body) {
    if (body == null || body.isEmpty()) {
      return false;
    }
    try {
      return plainlyValid(body.asJsonObject());
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  static boolean plainlyValid(JsonObject json) {
    if (json == null || json.size() != 1 || !(json.getValue("tickers") instanceof JsonArray tickers)) {
      return false;
    }
    for (Object entry : tickers) {
      if (!(entry instanceof String)) {
        return false;
      }
    }
    return true;
  }
}
