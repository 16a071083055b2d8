package org.tickeruniverse.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.RequestBody;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tickeruniverse.privacy.ContributorKey;

/**
 * Reads a request body once: whether it is strict JSON (for {@link JsonBodyGuard}) and, when it has
 * the plain ticker shape {@code {"tickers":["…", …]}}, the list of strings (for {@link
 * ContractValidation}'s shortcut and for the handler, so neither parses it again).
 *
 * <p>The plain shape is only ever a shortcut to "valid": an object whose only property is {@code
 * tickers}, an array of strings — a subset of what the document's {@code TickersRequest} schema
 * accepts, proven by {@code TickersBodyTest}; anything else is left to the document. A buffer body
 * may also name its {@code contributor} (a proxying backend always does, so it must not cost the
 * schema engine): plain with a contributor of the documented shape, that is a subset of {@code
 * BufferRequest}, and only the buffer operation takes the shortcut with one.
 */
final class TickersBody {

  /** Routing-context key of the plain tickers, when the body has the plain shape. */
  private static final String PLAIN_TICKERS = "tu.plainTickers";

  private static final String PLAIN_CONTRIBUTOR = "tu.plainContributor";
  private static final String FIELD = "tickers";
  private static final String CONTRIBUTOR = "contributor";

  /**
   * Jackson's streaming parser with its defaults: no comments, no NaN, no trailing commas, no
   * single quotes, nesting depth at most 1000; duplicate keys are refused per parser below.
   */
  private static final JsonFactory STRICT = new JsonFactory();

  /**
   * One reading of a body: strict or not; the tickers when plain; and the contributor, when the
   * plain body names one (then only {@code BufferRequest} accepts it).
   */
  record Reading(boolean strict, List<String> plainTickers, String plainContributor) {
    static final Reading NOT_STRICT = new Reading(false, null, null);

    Reading(boolean strict, List<String> plainTickers) {
      this(strict, plainTickers, null);
    }
  }

  /**
   * What an operation's JSON request body may hold, as the OpenAPI document declares it (read once
   * per route, so the list of ticker operations is never written twice): a {@code tickers}
   * property, and a {@code contributor} property beside it.
   */
  record Shape(boolean tickers, boolean contributor) {
    static final Shape NONE = new Shape(false, false);

    static Shape of(Operation operation) {
      RequestBody body = operation.getRequestBody();
      MediaType json = body == null ? null : body.getContent().get("application/json");
      Object properties =
          json == null || json.getSchema() == null ? null : json.getSchema().get("properties");
      if (!(properties instanceof JsonObject declared)) {
        return NONE;
      }
      return new Shape(declared.containsKey(FIELD), declared.containsKey(CONTRIBUTOR));
    }
  }

  /** Whether a reading is plainly valid for the operation: the shortcut past the schema engine. */
  static boolean plainlyValid(RoutingContext ctx, Shape shape) {
    return shape.tickers()
        && plainTickers(ctx) != null
        && (plainContributor(ctx) == null || shape.contributor());
  }

  private TickersBody() {}

  /** Keeps a reading's plain tickers for the later handlers of the request. */
  static void remember(RoutingContext ctx, Reading reading) {
    if (reading.plainTickers() != null) {
      ctx.put(PLAIN_TICKERS, reading.plainTickers());
      if (reading.plainContributor() != null) {
        ctx.put(PLAIN_CONTRIBUTOR, reading.plainContributor());
      }
    }
  }

  /** The contributor of a plain body {@link #remember}ed for this request, or null. */
  static String plainContributor(RoutingContext ctx) {
    return ctx.get(PLAIN_CONTRIBUTOR);
  }

  /** The plain tickers {@link #remember}ed for this request, or null. */
  static List<String> plainTickers(RoutingContext ctx) {
    return ctx.get(PLAIN_TICKERS);
  }

  /**
   * One complete JSON value, strictly (no comments, no duplicate keys, nothing after it), and the
   * plain tickers if that value is {@code {"tickers":[strings]}}.
   */
  static Reading read(byte[] bytes) {
    try (JsonParser parser = STRICT.createParser(bytes)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken root = parser.nextToken();
      if (root == null) {
        return Reading.NOT_STRICT;
      }
      Reading plain = root == JsonToken.START_OBJECT ? readObject(parser) : skip(parser);
      if (parser.nextToken() != null) {
        return Reading.NOT_STRICT; // trailing content
      }
      return plain;
    } catch (IOException | RuntimeException e) {
      return Reading.NOT_STRICT;
    }
  }

  /**
   * Reads the root object to its end; its tickers (and contributor) if it has exactly the plain
   * shape.
   */
  private static Reading readObject(JsonParser parser) throws IOException {
    List<String> tickers = null;
    String contributor = null;
    boolean plain = true;
    for (JsonToken field = parser.nextToken();
        field != JsonToken.END_OBJECT;
        field = parser.nextToken()) {
      truncatedIfNull(field);
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (plain && FIELD.equals(name) && value == JsonToken.START_ARRAY) {
        tickers = readStrings(parser);
        plain = tickers != null;
      } else if (plain
          && CONTRIBUTOR.equals(name)
          && value == JsonToken.VALUE_STRING
          && ContributorKey.isValidContributor(parser.getText())) {
        contributor = parser.getText();
      } else {
        plain = false;
        parser.skipChildren();
      }
    }
    return plain && tickers != null
        ? new Reading(true, tickers, contributor)
        : new Reading(true, null);
  }

  /** Reads an array to its end; its elements if all are strings. */
  private static List<String> readStrings(JsonParser parser) throws IOException {
    List<String> strings = new ArrayList<>();
    boolean allStrings = true;
    for (JsonToken element = parser.nextToken();
        element != JsonToken.END_ARRAY;
        element = parser.nextToken()) {
      truncatedIfNull(element);
      if (element == JsonToken.VALUE_STRING) {
        strings.add(parser.getText());
      } else {
        allStrings = false;
        parser.skipChildren();
      }
    }
    return allStrings ? strings : null;
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
    return new Reading(true, null);
  }
}
