package org.tickeruniverse.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.InputTrustHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.tickeruniverse.bus.ErrorCode;

/**
 * Checks on a request body before contract validation parses it (which then gets the media type in
 * canonical form):
 *
 * <ul>
 *   <li>415 unless the media type is one the operation's request body accepts in the OpenAPI
 *       document (here {@code application/json}; parameters such as a charset are allowed);
 *   <li>400 unless the bytes are well-formed UTF-8 (RFC 8259 §8.1). The JSON parser is lenient
 *       about overlong forms — {@code C0 AF} decodes to {@code /} — so without this check an
 *       encoding trick could smuggle characters past a byte-level filter further along. The JDK
 *       decoder in REPORT mode refuses overlong forms, surrogates and truncated sequences;
 *   <li>400 unless the text is strict RFC 8259 JSON. Vert.x's decoder accepts comments, and with
 *       duplicate keys the last one wins silently; a strict pass (Jackson's streaming parser with
 *       its defaults: no comments, no NaN, no trailing commas, nesting depth at most 1000, plus
 *       duplicate detection) refuses both, so no two parsers along the way can read one body
 *       differently. For a ticker operation that pass ({@link TickersBody#read}) is also the
 *       contract's check of the body and reads its tickers and contributor, so the body is parsed
 *       only once (docs/PERFORMANCE.md#one-pass-over-a-ticker-body).
 * </ul>
 *
 * Runs after the body handler (vertx-web orders input-trust handlers after it), so a wrong upload
 * costs at most the body limit.
 */
final class JsonBodyGuard implements InputTrustHandler {

  private final Set<String> accepted;

  /** The operation's compiled request-body schema; null: a strictness check only. */
  private final TickersBody.Schema schema;

  JsonBodyGuard(Set<String> accepted, TickersBody.Schema schema) {
    this.schema = schema;
    this.accepted =
        accepted.stream()
            .map(t -> t.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = header == null ? null : mediaType(header);
    if (mediaType == null || !accepted.contains(mediaType)) {
      ctx.fail(
          ApiError.of(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              "the request body must be sent as " + String.join(" or ", accepted)));
      return;
    }
    Buffer body = ctx.body().buffer();
    byte[] bytes = body == null ? null : body.getBytes();
    if (bytes != null && !isUtf8(bytes)) {
      ctx.fail(ApiError.of(ErrorCode.MALFORMED_JSON, "the request body is not valid UTF-8"));
      return;
    }
    if (bytes != null && bytes.length > 0) {
      TickersBody.Reading reading = TickersBody.read(bytes, schema);
      if (!reading.strict()) {
        ctx.fail(ApiError.malformedJson());
        return;
      }
      TickersBody.remember(ctx, reading); // this one parse serves validation and the handler too
    }
    // Media types are case-insensitive (RFC 9110 §8.3.1) but the contract validator compares
    // them exactly; hand it the canonical form. The charset parameter goes too: the bytes were
    // just checked to be UTF-8, the only encoding JSON has (RFC 8259 §8.1).
    ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, mediaType);
    ctx.next();
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  static String mediaType(String header) {
    int semicolon = header.indexOf(';');
    String type = semicolon < 0 ? header : header.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }

  static boolean isUtf8(byte[] bytes) {
    if (isAscii(bytes)) {
      return true; // the common case, without a decoder and a char buffer per request
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
