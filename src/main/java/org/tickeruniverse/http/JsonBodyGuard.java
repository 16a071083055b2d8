package org.tickeruniverse.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.InputTrustHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks on a request body before contract validation parses it (which then gets the media
 * type in canonical form):
 *
 * <ul>
 *   <li>415 unless the media type is one the operation's request body accepts in the OpenAPI
 *       document (here {@code application/json}; parameters such as a charset are allowed);
 *   <li>400 unless the bytes are well-formed UTF-8 (RFC 8259 §8.1). The JSON parser is lenient
 *       about overlong forms — {@code C0 AF} decodes to {@code /} — so without this check an
 *       encoding trick could smuggle characters past a byte-level filter further along. The JDK
 *       decoder in REPORT mode refuses overlong forms, surrogates and truncated sequences;
 *   <li>400 unless the text is strict RFC 8259 JSON. Vert.x's decoder accepts comments, and
 *       with duplicate keys the last one wins silently; a strict pass (Jackson's streaming
 *       parser with its defaults: no comments, no NaN, no trailing commas, nesting depth at
 *       most 1000, plus duplicate detection) refuses both, so no two parsers along the way can
 *       read one body differently.
 * </ul>
 *
 * Runs after the body handler (vertx-web orders input-trust handlers after it), so a wrong
 * upload costs at most the body limit.
 */
final class JsonBodyGuard implements InputTrustHandler {

  private static final JsonFactory STRICT = new JsonFactory();

  private final Set<String> accepted;

  JsonBodyGuard(Set<String> accepted) {
    this.accepted = accepted.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = header == null ? null : mediaType(header);
    if (mediaType == null || !accepted.contains(mediaType)) {
      ctx.fail(ApiError.of(415, "unsupported_media_type",
          "the request body must be sent as " + String.join(" or ", accepted)));
      return;
    }
    Buffer body = ctx.body().buffer();
    if (body != null && !isUtf8(body.getBytes())) {
      ctx.fail(ApiError.of(400, "malformed_json", "the request body is not valid UTF-8"));
      return;
    }
    if (body != null && body.length() > 0 && !isStrictJson(body.getBytes())) {
      ctx.fail(ApiError.malformedJson());
      return;
    }
    // Media types are case-insensitive (RFC 9110 §8.3.1) but the contract validator compares
    // them exactly; hand it the canonical form. The charset parameter goes too: the bytes were
    // just checked to be UTF-8, the only encoding JSON has (RFC 8259 §8.1).
    ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, mediaType);
    ctx.next();
  }

  static String mediaType(String header) {
    int semicolon = header.indexOf(';');
    String type = semicolon < 0 ? header : header.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }

  /** One complete JSON value, strictly: no comments, no duplicate keys, nothing after it. */
  static boolean isStrictJson(byte[] bytes) {
    try (JsonParser parser = STRICT.createParser(bytes)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null; // trailing content is an error
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
