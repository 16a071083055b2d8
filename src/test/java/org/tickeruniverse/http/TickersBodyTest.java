package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.ticker.InvalidTickersException;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * The one pass over a ticker body enforces exactly what the document says: for every generated
 * body, {@link TickersBody#read} finds it conforming if and only if the document's own request-body
 * schema accepts it (checked with the same JSON-schema engine the router uses), and then its batch
 * and contributor are exactly what the body's decoded value gives. The schema the reader follows is
 * compiled from the document, and a keyword it does not implement stops the build, so the document
 * and the reader cannot drift apart silently.
 */
class TickersBodyTest {

  private static final JsonObject RAW = rawContract();
  private static final JsonObject TICKERS_REQUEST = schema("TickersRequest");
  private static final JsonObject BUFFER_REQUEST = schema("BufferRequest");
  private static final int MAX = 1000;

  /**
   * The document's schemas and variants of them using the same keywords with other values, each
   * beside the reader's compilation of it: the reader must follow a changed value too.
   */
  private static final List<Case> CASES =
      List.of(
          Case.of("TickersRequest", TICKERS_REQUEST),
          Case.of("BufferRequest", BUFFER_REQUEST),
          Case.of(
              "BufferRequest, additionalProperties true",
              BUFFER_REQUEST.copy().put("additionalProperties", true)),
          Case.of(
              "BufferRequest, contributor required",
              BUFFER_REQUEST
                  .copy()
                  .put("required", new JsonArray().add("tickers").add("contributor"))),
          Case.of(
              "BufferRequest, contributor 2-3 code points, no pattern",
              withContributor(
                  new JsonObject().put("type", "string").put("minLength", 2).put("maxLength", 3))),
          Case.of(
              "BufferRequest, contributor of digits",
              withContributor(
                  new JsonObject().put("type", "string").put("pattern", "^[0-9]{2}$"))));

  private static final Map<String, AtomicInteger> CONFORMING = new TreeMap<>();
  private static final Map<String, AtomicInteger> REFUSED = new TreeMap<>();

  record Case(String name, JsonObject schema, TickersBody.Schema compiled, Validator engine) {
    static Case of(String name, JsonObject schema) {
      return new Case(
          name,
          schema,
          TickersBody.Schema.of(schema, name),
          Validator.create(
              JsonSchema.of(schema),
              new JsonSchemaOptions()
                  .setDraft(Draft.DRAFT202012)
                  .setBaseUri("app:///")
                  .setOutputFormat(OutputFormat.Basic)));
    }
  }

  private static JsonObject rawContract() {
    Vertx vertx = Vertx.vertx();
    try {
      return OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await().getRawContract();
    } finally {
      vertx.close();
    }
  }

  private static JsonObject schema(String name) {
    return RAW.getJsonObject("components").getJsonObject("schemas").getJsonObject(name).copy();
  }

  private static JsonObject withContributor(JsonObject contributor) {
    JsonObject schema = BUFFER_REQUEST.copy();
    schema.getJsonObject("properties").put("contributor", contributor);
    return schema;
  }

  @Property(tries = 4000)
  void theOnePassAcceptsExactlyWhatTheDocumentAccepts(@ForAll("bodies") Object body) {
    byte[] bytes =
        (body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body))
            .getBytes(StandardCharsets.UTF_8);
    // What the schema engine sees: the same bytes, decoded by Vert.x.
    Object decoded = io.vertx.core.json.Json.decodeValue(Buffer.buffer(bytes));
    for (Case c : CASES) {
      TickersBody.Reading reading = TickersBody.read(bytes, c.compiled());
      assertThat(reading.strict()).as("Vert.x's own encoding is strict JSON").isTrue();
      boolean accepted = c.engine().validate(decoded).getValid();
      assertThat(reading.conforms())
          .as(c.name() + ": " + new String(bytes, StandardCharsets.UTF_8))
          .isEqualTo(accepted);
      (accepted ? CONFORMING : REFUSED)
          .computeIfAbsent(c.name(), n -> new AtomicInteger())
          .incrementAndGet();
      if (accepted) {
        JsonObject json = (JsonObject) decoded;
        assertThat(reading.contributor()).isEqualTo(json.getValue("contributor"));
        assertSameBatch(reading.tickers(), json.getJsonArray("tickers").getList());
      }
    }
  }

  /**
   * The collected batch is what TickerBatch.parse makes of the decoded list: same list or error.
   */
  private static void assertSameBatch(TickerBatch.Collector collected, List<?> decoded) {
    for (int max : new int[] {MAX, 3}) {
      Object expected;
      try {
        expected = TickerBatch.parse(decoded, max).tickers();
      } catch (InvalidTickersException e) {
        expected = e.getMessage() + " " + e.offenders();
      }
      Object actual;
      try {
        actual = collected.finish(max).tickers();
      } catch (InvalidTickersException e) {
        actual = e.getMessage() + " " + e.offenders();
      }
      assertThat(actual).isEqualTo(expected);
    }
  }

  @AfterContainer
  static void theGeneratorReallyExercisedBothVerdicts() {
    System.out.println("[one pass vs schema] conforming " + CONFORMING + ", refused " + REFUSED);
    for (Case c : CASES) {
      assertThat(CONFORMING.get(c.name())).as(c.name() + " conforming").isNotNull();
      assertThat(CONFORMING.get(c.name()).get()).as(c.name() + " conforming").isGreaterThan(100);
      assertThat(REFUSED.get(c.name()).get()).as(c.name() + " refused").isGreaterThan(100);
    }
  }

  @Test
  void knownShapes() {
    TickersBody.Schema tickers = TickersBody.Schema.of(TICKERS_REQUEST, "TickersRequest");
    TickersBody.Schema buffer = TickersBody.Schema.of(BUFFER_REQUEST, "BufferRequest");
    assertThat(batch(tickers, "{\"tickers\":[\"vod.l\",\" AAPL\",\"aapl\",\"\"]}"))
        .containsExactly("AAPL", "VOD.L");
    assertThat(batch(tickers, " { \"tickers\" : [ ] } ")).isEmpty();
    assertThatThrownBy(() -> batch(tickers, "{\"tickers\":[\"A\\u00e9\",\"B!\"]}"))
        .isInstanceOf(InvalidTickersException.class)
        .satisfies(
            e ->
                assertThat(((InvalidTickersException) e).offenders())
                    .containsExactly("A\u00e9", "B!"));
    for (String refused :
        new String[] {
          "{\"tickers\":[1]}",
          "{\"tickers\":[\"A\",[\"B\"]]}",
          "{\"tickers\":\"AAPL\"}",
          "{\"tickers\":null}",
          "{\"tickers\":[],\"x\":1}",
          "{\"x\":1,\"tickers\":[]}",
          "{}",
          "[\"AAPL\"]",
          "\"AAPL\"",
          "{\"Tickers\":[]}",
          "{\"tickers\":[],\"contributor\":\"u\"}" // refresh and upsert name no contributor
        }) {
      TickersBody.Reading reading =
          TickersBody.read(refused.getBytes(StandardCharsets.UTF_8), tickers);
      assertThat(reading.strict()).as(refused).isTrue();
      assertThat(reading.conforms()).as(refused).isFalse();
    }
    for (String notStrict :
        new String[] {
          "{\"tickers\":[\"A\"],\"tickers\":[\"B\"]}",
          "{\"tickers\":[\"A\"]} x",
          "{\"tickers\":[\"A\"",
          "{\"tickers\":[1],\"x\":{\"y\":1,\"y\":2}}",
          "{\"tickers\":[\"A\",]}",
          ""
        }) {
      assertThat(TickersBody.read(notStrict.getBytes(StandardCharsets.UTF_8), tickers))
          .as(notStrict)
          .isEqualTo(TickersBody.Reading.NOT_STRICT);
      assertThat(TickersBody.strict(notStrict.getBytes(StandardCharsets.UTF_8))).isFalse();
    }
    TickersBody.Reading named =
        TickersBody.read(
            "{\"contributor\":\"user 7\",\"tickers\":[\"AAPL\"]}".getBytes(StandardCharsets.UTF_8),
            buffer);
    assertThat(named.conforms()).isTrue();
    assertThat(named.tickers().finish(MAX).tickers()).containsExactly("AAPL");
    assertThat(named.contributor()).isEqualTo("user 7");
    // The schema's pattern lets a final line break through ('$'); the handler refuses it later.
    assertThat(
            TickersBody.read(
                    "{\"tickers\":[],\"contributor\":\"user\\n\"}".getBytes(StandardCharsets.UTF_8),
                    buffer)
                .contributor())
        .isEqualTo("user\n");
    for (String refused :
        new String[] {
          "{\"tickers\":[],\"contributor\":\"\"}",
          "{\"tickers\":[],\"contributor\":7}",
          "{\"tickers\":[],\"contributor\":\"" + "x".repeat(129) + "\"}",
          "{\"tickers\":[],\"contributor\":\"caf\u00e9\"}",
          "{\"contributor\":\"u\"}"
        }) {
      assertThat(TickersBody.read(refused.getBytes(StandardCharsets.UTF_8), buffer).conforms())
          .as(refused)
          .isFalse();
    }
  }

  @Test
  void eachTickerOperationFollowsItsSchemaInTheDocument() {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await();
      Map<String, TickersBody.Schema> schemas = new TreeMap<>();
      contract
          .operations()
          .forEach(
              op -> {
                TickersBody.Schema s = TickersBody.Schema.of(op);
                if (s != null) {
                  schemas.put(op.getOperationId(), s);
                }
              });
      assertThat(schemas.keySet())
          .containsExactly("bufferTickers", "refreshTickers", "upsertTickers");
      for (String id : List.of("refreshTickers", "upsertTickers")) {
        assertThat(schemas.get(id).required()).containsExactly("tickers");
        assertThat(schemas.get(id).additionalProperties()).isFalse();
        assertThat(schemas.get(id).contributor()).isNull();
      }
      TickersBody.StringRule contributor = schemas.get("bufferTickers").contributor();
      assertThat(contributor.minLength()).isEqualTo(1);
      assertThat(contributor.maxLength()).isEqualTo(128);
      assertThat(contributor.pattern().pattern()).isEqualTo("^[ -~]+$");
      assertThat(schemas.get("bufferTickers").additionalProperties()).isFalse();
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A keyword the reader does not implement fails the compilation (and so the router's build, and
   * the service's start) instead of being ignored.
   */
  @Test
  void aKeywordTheReaderDoesNotImplementStopsTheBuild() {
    List<JsonObject> unsupported = new ArrayList<>();
    unsupported.add(BUFFER_REQUEST.copy().put("minProperties", 1));
    unsupported.add(BUFFER_REQUEST.copy().put("additionalProperties", new JsonObject()));
    unsupported.add(BUFFER_REQUEST.copy().put("required", new JsonArray()));
    unsupported.add(BUFFER_REQUEST.copy().put("required", new JsonArray().add("tickers").add("x")));
    unsupported.add(BUFFER_REQUEST.copy().put("type", "array"));
    unsupported.add(BUFFER_REQUEST.copy().put("oneOf", new JsonArray()));
    JsonObject maxItems = BUFFER_REQUEST.copy();
    maxItems.getJsonObject("properties").getJsonObject("tickers").put("maxItems", 1000);
    unsupported.add(maxItems);
    JsonObject itemLength = BUFFER_REQUEST.copy();
    itemLength
        .getJsonObject("properties")
        .getJsonObject("tickers")
        .getJsonObject("items")
        .put("maxLength", 32);
    unsupported.add(itemLength);
    JsonObject extraProperty = BUFFER_REQUEST.copy();
    extraProperty.getJsonObject("properties").put("source", new JsonObject().put("type", "string"));
    unsupported.add(extraProperty);
    unsupported.add(withContributor(new JsonObject().put("type", "string").put("format", "email")));
    unsupported.add(withContributor(new JsonObject().put("type", "integer")));
    unsupported.add(withContributor(new JsonObject().put("enum", new JsonArray().add("a"))));
    for (JsonObject schema : unsupported) {
      assertThatThrownBy(() -> TickersBody.Schema.of(schema, "test"))
          .as(schema.encode())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not implement");
    }
    // Annotations validate nothing and are allowed anywhere.
    JsonObject annotated = BUFFER_REQUEST.copy().put("title", "t").put("deprecated", false);
    assertThat(TickersBody.Schema.of(annotated, "test").contributor()).isNotNull();
  }

  private static List<String> batch(TickersBody.Schema schema, String body) {
    TickersBody.Reading reading = TickersBody.read(body.getBytes(StandardCharsets.UTF_8), schema);
    assertThat(reading.conforms()).as(body).isTrue();
    return reading.tickers().finish(MAX).tickers();
  }

  @Provide
  Arbitrary<Object> bodies() {
    Arbitrary<Object> value = InputPropertiesTest.json(3);
    Arbitrary<Object> tickersOf = value.map(v -> new JsonObject().put("tickers", v));
    Arbitrary<Object> tickersArrayOf =
        value
            .list()
            .ofMaxSize(6)
            .map(vs -> new JsonObject().put("tickers", new JsonArray(new ArrayList<>(vs))));
    Arbitrary<Object> stringArrays =
        Arbitraries.strings()
            .withCharRange('\u0000', '\ud7ff')
            .ofMaxLength(40)
            .list()
            .ofMaxSize(20)
            .map(vs -> new JsonObject().put("tickers", new JsonArray(new ArrayList<Object>(vs))));
    Arbitrary<Object> contributors =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(130),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(10),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(5).map(c -> c + "\n"),
            Arbitraries.strings().withChars("0123456789x").ofMinLength(1).ofMaxLength(3),
            Arbitraries.strings().withChars("ab\u00e9\ud83d\ude00").ofMaxLength(4),
            Arbitraries.strings()
                .withChars("ab\ud83d\ude00")
                .ofMinLength(2)
                .ofMaxLength(8)
                .filter(TickersBodyTest::pairedSurrogates),
            value);
    Arbitrary<Object> withContributor =
        net.jqwik.api.Combinators.combine(stringArrays, contributors)
            .as((b, c) -> ((JsonObject) b).copy().put("contributor", c));
    Arbitrary<Object> withExtra =
        net.jqwik.api.Combinators.combine(
                Arbitraries.oneOf(stringArrays, withContributor),
                Arbitraries.of("x", "Tickers", "contributor ", ""),
                value)
            .as((b, k, v) -> ((JsonObject) b).copy().put(k, v));
    return Arbitraries.frequencyOf(
        Tuple.of(1, value),
        Tuple.of(2, tickersOf),
        Tuple.of(2, tickersArrayOf),
        Tuple.of(5, stringArrays),
        Tuple.of(5, withContributor),
        Tuple.of(1, withExtra),
        Tuple.of(1, Arbitraries.just(new JsonObject().put("contributor", "user-1"))));
  }

  /** Strings of whole surrogate pairs only: their UTF-8 bytes decode to the same string. */
  private static boolean pairedSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
