package org.tickeruniverse.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.RequestBody;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * Reads a request body once (docs/PERFORMANCE.md#one-pass-over-a-ticker-body): whether it is strict
 * JSON (for {@link JsonBodyGuard}) and, for a ticker operation, in the same pass, whether it has
 * the shape the OpenAPI document's request-body schema declares, its tickers normalised and checked
 * against the grammar ({@link TickerBatch.Collector}) and its contributor.
 *
 * <p>For the ticker operations this pass <em>is</em> the contract's check of the body: a body it
 * finds {@linkplain Reading#conforms conforming} skips the schema engine (which would decode the
 * body again and build a validator per request); any other goes to the engine, which words the 400.
 * The reader follows the document, not a copy of it: {@link Schema#of} compiles the operation's
 * schema and refuses, when the router is built, any keyword it does not implement, so a change to
 * the document cannot pass unnoticed; {@code TickersBodyTest} checks that the reader and the schema
 * engine agree on generated bodies, both ways.
 */
final class TickersBody {

  /** Routing-context key of the {@link Reading} of a ticker body. */
  private static final String READING = "tu.tickersBody";

  static final String TICKERS = "tickers";
  static final String CONTRIBUTOR = "contributor";

  /**
   * Jackson's streaming parser with its defaults: no comments, no NaN, no trailing commas, no
   * single quotes, nesting depth at most 1000; duplicate keys are refused per parser below.
   */
  private static final JsonFactory STRICT = new JsonFactory();

  /**
   * One reading of a body.
   *
   * @param strict a single strict JSON value
   * @param conforms strict, and valid against the operation's request-body {@link Schema} (always
   *     false without a schema)
   * @param tickers the entries of {@code tickers}, when it conforms
   * @param contributor the {@code contributor}, when it conforms and names one
   */
  record Reading(
      boolean strict, boolean conforms, TickerBatch.Collector tickers, String contributor) {
    static final Reading NOT_STRICT = new Reading(false, false, null, null);
    static final Reading NOT_CONFORMING = new Reading(true, false, null, null);
  }

  /**
   * The request-body schema of a ticker operation, compiled from the document: the keywords below
   * and nothing else. {@link #of} throws for a schema using any other keyword, so the reader never
   * silently accepts what the document would refuse.
   *
   * <pre>
   * type: object                      (required)
   * required: [names]                 (declared properties only)
   * additionalProperties: boolean     (absent: true)
   * properties:
   *   tickers:     {type: array, items: {type: string}}        (required)
   *   contributor: {type: string, minLength?, maxLength?, pattern?}
   * </pre>
   *
   * plus annotations ({@link #ANNOTATIONS}), which validate nothing. The request body itself must
   * be required.
   *
   * @param contributor null when the schema declares no contributor
   */
  record Schema(Set<String> required, boolean additionalProperties, StringRule contributor) {

    /** Keywords that only annotate (JSON Schema 2020-12 meta-data and the OpenAPI extras). */
    static final Set<String> ANNOTATIONS =
        Set.of(
            "title",
            "description",
            "examples",
            "example",
            "$comment",
            "deprecated",
            "readOnly",
            "writeOnly",
            "default");

    /**
     * The compiled schema of the operation's {@code application/json} request body when it declares
     * a {@code tickers} property; null for any other operation (which keeps the schema engine).
     *
     * @throws IllegalStateException when the schema uses a keyword the reader does not implement
     */
    static Schema of(Operation operation) {
      RequestBody body = operation.getRequestBody();
      MediaType json = body == null ? null : body.getContent().get("application/json");
      JsonSchema schema = json == null ? null : json.getSchema();
      if (schema == null || !(schema.get("properties") instanceof JsonObject properties)) {
        return null;
      }
      if (!properties.containsKey(TICKERS)) {
        return null;
      }
      String where = operation.getOperationId() + " request body";
      if (!body.isRequired()) {
        throw unsupported(where, "an optional request body");
      }
      Map<String, Object> keywords = new HashMap<>();
      for (String name : schema.fieldNames()) {
        if (JsonSchema.EXCLUDE_ANNOTATIONS.test(name)) {
          keywords.put(name, schema.get(name));
        }
      }
      return of(new JsonObject(keywords), where);
    }

    /** Compiles a request-body schema given as JSON (as written in the document). */
    static Schema of(JsonObject schema, String where) {
      only(schema, where, "type", "required", "additionalProperties", "properties");
      expectType(schema, "object", where);
      JsonObject properties = schema.getJsonObject("properties");
      if (properties == null || !properties.containsKey(TICKERS)) {
        throw unsupported(where, "no 'tickers' property");
      }
      StringRule contributor = null;
      for (String name : properties.fieldNames()) {
        JsonObject property = properties.getJsonObject(name);
        String at = where + " property '" + name + "'";
        if (TICKERS.equals(name)) {
          only(property, at, "type", "items");
          expectType(property, "array", at);
          JsonObject items = property.getJsonObject("items");
          if (items == null) {
            throw unsupported(at, "an array without 'items'");
          }
          only(items, at + " items", "type");
          expectType(items, "string", at + " items");
        } else if (CONTRIBUTOR.equals(name)) {
          contributor = StringRule.of(property, at);
        } else {
          throw unsupported(at, "a property the handlers do not read");
        }
      }
      Set<String> required = new TreeSet<>();
      JsonArray names = schema.getJsonArray("required", new JsonArray());
      for (Object name : names) {
        if (!(name instanceof String s) || !properties.containsKey(s)) {
          throw unsupported(where, "'required' naming " + name + ", which it does not declare");
        }
        required.add(s);
      }
      if (!required.contains(TICKERS)) {
        throw unsupported(where, "optional 'tickers'");
      }
      Object additional = schema.getValue("additionalProperties", Boolean.TRUE);
      if (!(additional instanceof Boolean allowed)) {
        throw unsupported(where, "'additionalProperties' other than true or false");
      }
      return new Schema(Set.copyOf(required), allowed, contributor);
    }
  }

  /**
   * A {@code type: string} schema with the keywords {@code minLength}, {@code maxLength} and {@code
   * pattern}, evaluated as the schema engine does: lengths in code points, the pattern a Java
   * regular expression searched for anywhere in the string ({@code Matcher.find}).
   *
   * @param maxLength {@link Integer#MAX_VALUE} when absent
   * @param pattern null when absent
   */
  record StringRule(int minLength, int maxLength, Pattern pattern) {

    static StringRule of(JsonObject schema, String where) {
      only(schema, where, "type", "minLength", "maxLength", "pattern");
      expectType(schema, "string", where);
      Object pattern = schema.getValue("pattern");
      if (pattern != null && !(pattern instanceof String)) {
        throw unsupported(where, "a 'pattern' that is not a string");
      }
      return new StringRule(
          length(schema, "minLength", 0, where),
          length(schema, "maxLength", Integer.MAX_VALUE, where),
          pattern == null ? null : Pattern.compile((String) pattern));
    }

    boolean matches(String value) {
      int length = value.codePointCount(0, value.length());
      return length >= minLength
          && length <= maxLength
          && (pattern == null || pattern.matcher(value).find());
    }

    private static int length(JsonObject schema, String keyword, int absent, String where) {
      Object value = schema.getValue(keyword);
      if (value == null) {
        return absent;
      }
      if (!(value instanceof Integer n) || n < 0) {
        throw unsupported(where, "'" + keyword + "' that is not a small non-negative integer");
      }
      return n;
    }
  }

  private static void only(JsonObject schema, String where, String... implemented) {
    Set<String> known = new HashSet<>(List.of(implemented));
    for (String keyword : schema.fieldNames()) {
      if (!known.contains(keyword)
          && !Schema.ANNOTATIONS.contains(keyword)
          && JsonSchema.EXCLUDE_ANNOTATIONS.test(keyword)) {
        throw unsupported(where, "the keyword '" + keyword + "'");
      }
    }
  }

  private static void expectType(JsonObject schema, String type, String where) {
    if (!type.equals(schema.getValue("type"))) {
      throw unsupported(where, "'type' other than " + type);
    }
  }

  private static IllegalStateException unsupported(String where, String what) {
    return new IllegalStateException(
        "the OpenAPI document's "
            + where
            + " has "
            + what
            + ", which the one-pass body reader (http/TickersBody) does not implement:"
            + " implement it there, or change the document");
  }

  private TickersBody() {}

  /** Keeps a reading for the later handlers of the request. */
  static void remember(RoutingContext ctx, Reading reading) {
    ctx.put(READING, reading);
  }

  /** The reading {@link #remember}ed for this request, or null. */
  static Reading reading(RoutingContext ctx) {
    return ctx.get(READING);
  }

  /** Whether the bytes are one complete, strict JSON value (for operations without a schema). */
  static boolean strict(byte[] bytes) {
    return read(bytes, null).strict();
  }

  /**
   * One complete JSON value, strictly (no comments, no duplicate keys, nothing after it), and, with
   * a schema, whether it conforms, its tickers and contributor.
   *
   * @param schema null for a strictness check only
   */
  static Reading read(byte[] bytes, Schema schema) {
    try (JsonParser parser = STRICT.createParser(bytes)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken root = parser.nextToken();
      if (root == null) {
        return Reading.NOT_STRICT;
      }
      Reading reading =
          root == JsonToken.START_OBJECT && schema != null
              ? readObject(parser, schema)
              : skip(parser);
      if (parser.nextToken() != null) {
        return Reading.NOT_STRICT; // trailing content
      }
      return reading;
    } catch (IOException | RuntimeException e) {
      return Reading.NOT_STRICT;
    }
  }

  /**
   * Reads the root object to its end, checking it against the schema on the way. A body that stops
   * conforming is still read to its end: strictness is decided by the whole body.
   */
  private static Reading readObject(JsonParser parser, Schema schema) throws IOException {
    TickerBatch.Collector tickers = null;
    String contributor = null;
    boolean conforms = true;
    for (JsonToken field = parser.nextToken();
        field != JsonToken.END_OBJECT;
        field = parser.nextToken()) {
      truncatedIfNull(field);
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!conforms) {
        parser.skipChildren();
      } else if (TICKERS.equals(name)) {
        tickers = value == JsonToken.START_ARRAY ? readTickers(parser) : skipValue(parser);
        conforms = tickers != null;
      } else if (CONTRIBUTOR.equals(name) && schema.contributor() != null) {
        contributor =
            value == JsonToken.VALUE_STRING && schema.contributor().matches(parser.getText())
                ? parser.getText()
                : null;
        conforms = contributor != null;
        parser.skipChildren();
      } else {
        conforms = schema.additionalProperties();
        parser.skipChildren();
      }
    }
    conforms =
        conforms
            && tickers != null
            && (contributor != null || !schema.required().contains(CONTRIBUTOR));
    return conforms ? new Reading(true, true, tickers, contributor) : Reading.NOT_CONFORMING;
  }

  /** Reads an array to its end; its entries collected if all are strings, else null. */
  private static TickerBatch.Collector readTickers(JsonParser parser) throws IOException {
    TickerBatch.Collector tickers = TickerBatch.collector();
    boolean allStrings = true;
    for (JsonToken element = parser.nextToken();
        element != JsonToken.END_ARRAY;
        element = parser.nextToken()) {
      truncatedIfNull(element);
      if (element != JsonToken.VALUE_STRING) {
        allStrings = false;
        parser.skipChildren();
      } else if (allStrings) {
        tickers.add(parser.getText());
      }
    }
    return allStrings ? tickers : null;
  }

  private static TickerBatch.Collector skipValue(JsonParser parser) throws IOException {
    parser.skipChildren();
    return null;
  }

  /**
   * Jackson reports a body that ends inside a value itself; this keeps the loops finite regardless.
   */
  private static void truncatedIfNull(JsonToken token) throws IOException {
    if (token == null) {
      throw new IOException("the body ends inside a value");
    }
  }

  private static Reading skip(JsonParser parser) throws IOException {
    parser.skipChildren();
    return Reading.NOT_CONFORMING;
  }
}
