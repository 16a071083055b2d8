package org.tickeruniverse.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Field names and builders of the JSON messages on the event bus: the one place they are spelt. */
public final class Messages {

  public static final String TICKERS = "tickers";

  /**
   * Optional on a buffer request: who uploaded (1–128 printable ASCII characters, opaque to the
   * service, which only counts a 16-bit hash of it under a daily key). Trusted as sent: siblings on
   * the bus are part of the deployment; the HTTP edge sends a digest of the caller's token here,
   * never the token. Without it the upload counts as the one shared "unknown" contributor, so
   * leaving it out can never inflate a count (docs/DESIGN.md#contributors).
   */
  public static final String CONTRIBUTOR = "contributor";

  /** Longest {@link #CONTRIBUTOR}: 128 characters. */
  public static final int CONTRIBUTOR_MAX_LENGTH = 128;

  public static final String BUFFERED = "buffered";
  public static final String UPDATED = "updated";
  public static final String UPSERTED = "upserted";
  public static final String DELETED = "deleted";
  public static final String COUNT = "count";
  public static final String ETAG = "etag";
  public static final String DURATION_MILLIS = "durationMillis";

  /**
   * Paging of {@link Addresses#LIST} (docs/DESIGN.md#interfaces): a request may carry {@code after}
   * (the {@code next} of the previous reply) and {@code limit}; a reply carries at most {@link
   * #LIST_PAGE_MAX} tickers, and {@code next} when more follow. A universe of up to that many
   * tickers comes whole in one reply, as it always did.
   */
  public static final String AFTER = "after";

  public static final String LIMIT = "limit";
  public static final String NEXT = "next";

  /** Most tickers in one {@code list} reply (about 1 MB on the wire). */
  public static final int LIST_PAGE_MAX = 100_000;

  private Messages() {}

  public static JsonObject tickersRequest(List<String> tickers) {
    return new JsonObject().put(TICKERS, new JsonArray(List.copyOf(tickers)));
  }

  /** A buffer request on behalf of {@code contributor} (null: the shared "unknown" one). */
  public static JsonObject bufferRequest(List<String> tickers, String contributor) {
    JsonObject request = tickersRequest(tickers);
    return contributor == null ? request : request.put(CONTRIBUTOR, contributor);
  }

  /**
   * The contributor of a buffer request: null when absent; the string when it has the shape of
   * {@link #CONTRIBUTOR}; otherwise a 400 {@link FailureException} that does not echo the value.
   */
  public static String contributor(Object body) {
    if (!(body instanceof JsonObject json) || !json.containsKey(CONTRIBUTOR)) {
      return null;
    }
    if (json.getValue(CONTRIBUTOR) instanceof String s && isValidContributor(s)) {
      return s;
    }
    throw new FailureException(
        ErrorCode.INVALID_INPUT,
        "'"
            + CONTRIBUTOR
            + "' must be 1-"
            + CONTRIBUTOR_MAX_LENGTH
            + " printable ASCII characters");
  }

  /**
   * The raw entries of a tickers request, or null when the body is not an object with a {@code
   * tickers} array. Validation of the entries is {@code TickerBatch}'s job.
   */
  public static List<?> rawTickers(Object body) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue(TICKERS) instanceof JsonArray array)) {
      return null;
    }
    return array.getList();
  }

  /**
   * Whether {@code contributor} has the shape of {@link #CONTRIBUTOR}: 1–{@value
   * #CONTRIBUTOR_MAX_LENGTH} printable ASCII characters (the same rule on the bus and over HTTP).
   */
  public static boolean isValidContributor(String contributor) {
    if (contributor == null
        || contributor.isEmpty()
        || contributor.length() > CONTRIBUTOR_MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < contributor.length(); i++) {
      char c = contributor.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  public static JsonObject count(String field, long n) {
    return new JsonObject().put(field, n);
  }
}
