package org.tickeruniverse.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Field names and builders of the JSON messages on the event bus: the one place they are spelt. */
public final class Messages {

  public static final String TICKERS = "tickers";
  public static final String BUFFERED = "buffered";
  public static final String UPDATED = "updated";
  public static final String UPSERTED = "upserted";
  public static final String DELETED = "deleted";
  public static final String COUNT = "count";
  public static final String ETAG = "etag";
  public static final String DURATION_MILLIS = "durationMillis";

  private Messages() {
  }

  public static JsonObject tickersRequest(List<String> tickers) {
    return new JsonObject().put(TICKERS, new JsonArray(List.copyOf(tickers)));
  }

  /**
   * The raw entries of a tickers request, or null when the body is not an object with a
   * {@code tickers} array. Validation of the entries is {@code TickerBatch}'s job.
   */
  public static List<?> rawTickers(Object body) {
    if (!(body instanceof JsonObject json) || !(json.getValue(TICKERS) instanceof JsonArray array)) {
      return null;
    }
    return array.getList();
  }

  public static JsonObject count(String field, long n) {
    return new JsonObject().put(field, n);
  }
}
