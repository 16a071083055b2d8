package org.tickeruniverse.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.universe.UniverseDocument;

/**
 * {@code GET /api/v1/universe}: the cached document's bytes as they are — the same bytes for every
 * caller (docs/DESIGN.md#privacy-rules) — with a strong ETag, 304 on a matching {@code
 * If-None-Match}, and the pre-built gzip bytes when the caller accepts gzip (so the server never
 * compresses per request, and every node sends identical compressed bytes too).
 */
final class UniverseHandler implements Handler<RoutingContext> {

  /**
   * The body goes out in slices of this size, each written when the connection can take it: a heap
   * buffer is copied into a direct one of its full size before it reaches the socket, and a 20 MB
   * document written at once would take that much direct memory per response (the JVM's direct
   * memory is capped at 64 MB, docs/OPERATIONS.md). Slices share the document's bytes.
   */
  static final int SLICE_BYTES = 256 * 1024;

  private final UniverseCache cache;

  UniverseHandler(UniverseCache cache) {
    this.cache = cache;
  }

  @Override
  public void handle(RoutingContext ctx) {
    UniverseDocument doc = cache.current();
    if (doc == null) {
      ctx.fail(
          ApiError.unavailable(
              ErrorCode.UNIVERSE_UNAVAILABLE, cache.whyUnavailable(), cache.retryAfterSeconds()));
      return;
    }
    String etag = "\"" + doc.etag() + "\"";
    HttpServerResponse response =
        ctx.response()
            .putHeader(HttpHeaders.ETAG, etag)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
            .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), doc.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
    if (acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      send(response, doc.gzip());
    } else {
      send(response, doc.json());
    }
  }

  /** Writes {@code body} in slices, with back-pressure (see {@link #SLICE_BYTES}). */
  static void send(HttpServerResponse response, Buffer body) {
    if (body.length() <= SLICE_BYTES) {
      response.end(body);
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
    new Object() {
      int at;

      void pump() {
        while (at < body.length() && !response.writeQueueFull()) {
          if (response.closed()) {
            return;
          }
          int end = Math.min(body.length(), at + SLICE_BYTES);
          response.write(body.slice(at, end));
          at = end;
        }
        if (at >= body.length()) {
          response.end();
        } else {
          response.drainHandler(v -> pump());
        }
      }
    }.pump();
  }

  /**
   * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): {@code W/"x"} matches {@code "x"};
   * {@code *} matches any current representation.
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("\"" + etag + "\"")) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the caller accepts gzip: listed as {@code gzip}/{@code x-gzip} with a non-zero
   * q-value, or covered by {@code *} when gzip itself is not mentioned.
   */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    Boolean gzip = null;
    Boolean star = null;
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.split(";");
      String coding = pieces[0].strip().toLowerCase(Locale.ROOT);
      boolean wanted = qualityAbove0(pieces);
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        gzip = gzip == null ? wanted : gzip || wanted;
      } else if (coding.equals("*")) {
        star = wanted;
      }
    }
    return gzip != null ? gzip : Boolean.TRUE.equals(star);
  }

  private static boolean qualityAbove0(String[] pieces) {
    for (int i = 1; i < pieces.length; i++) {
      String param = pieces[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
      if (param.startsWith("q=")) {
        try {
          return Double.parseDouble(param.substring(2)) > 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return true;
  }
}
