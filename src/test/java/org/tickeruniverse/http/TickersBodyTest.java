package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
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
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

/**
 * The fast path of ticker bodies is sound: whatever {@link TickersBody#read} finds plain, the
 * document's own {@code TickersRequest} schema accepts too (checked with the same JSON-schema
 * engine the router uses), and its tickers are exactly the body's array as Vert.x decodes it, so
 * skipping the engine and the second parse for those bodies changes no answer.
 */
class TickersBodyTest {

  private static final Validator SCHEMA = documentSchema("TickersRequest");
  private static final Validator BUFFER_SCHEMA = documentSchema("BufferRequest");
  private static final AtomicInteger PLAINLY_VALID = new AtomicInteger();
  private static final AtomicInteger PLAIN_WITH_CONTRIBUTOR = new AtomicInteger();

  private static Validator documentSchema(String name) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject raw =
          OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await().getRawContract();
      JsonObject schema =
          raw.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
      return Validator.create(
          JsonSchema.of(schema),
          new JsonSchemaOptions()
              .setDraft(Draft.DRAFT202012)
              .setBaseUri("app:///")
              .setOutputFormat(OutputFormat.Basic));
    } finally {
      vertx.close();
    }
  }

  @Property(tries = 3000)
  void whatTheFastPathAcceptsTheDocumentAccepts(@ForAll("bodies") Object body) {
    byte[] bytes =
        (body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body))
            .getBytes(StandardCharsets.UTF_8);
    TickersBody.Reading reading = TickersBody.read(bytes);
    assertThat(reading.strict()).as("Vert.x's own encoding is strict JSON").isTrue();
    if (reading.plainTickers() != null) {
      PLAINLY_VALID.incrementAndGet();
      JsonObject json = (JsonObject) body;
      // Plain with a contributor: only the buffer's schema (and operation) takes it.
      assertThat(BUFFER_SCHEMA.validate(json).getValid()).as(json.encode()).isTrue();
      if (reading.plainContributor() == null) {
        assertThat(SCHEMA.validate(json).getValid()).as(json.encode()).isTrue();
      } else {
        PLAIN_WITH_CONTRIBUTOR.incrementAndGet();
        assertThat(reading.plainContributor()).isEqualTo(json.getString("contributor"));
      }
      assertThat(reading.plainTickers()).isEqualTo(json.getJsonArray("tickers").getList());
    }
  }

  @AfterContainer
  static void theGeneratorReallyExercisedTheFastPath() {
    assertThat(PLAINLY_VALID.get()).as("plainly valid bodies among 3000").isGreaterThan(500);
    assertThat(PLAIN_WITH_CONTRIBUTOR.get())
        .as("plain bodies with a contributor")
        .isGreaterThan(100);
  }

  @Test
  void knownShapes() {
    assertThat(plain("{\"tickers\":[\"AAPL\",\"VOD.L\"]}")).containsExactly("AAPL", "VOD.L");
    assertThat(plain(" { \"tickers\" : [ ] } ")).isEmpty();
    assertThat(plain("{\"tickers\":[\"A\\u00e9\"]}")).containsExactly("A\u00e9");
    for (String notPlain :
        new String[] {
          "{\"tickers\":[1]}",
          "{\"tickers\":[\"A\",[\"B\"]]}",
          "{\"tickers\":\"AAPL\"}",
          "{\"tickers\":[],\"x\":1}",
          "{\"x\":1,\"tickers\":[]}",
          "{}",
          "[\"AAPL\"]",
          "\"AAPL\"",
          "{\"Tickers\":[]}"
        }) {
      TickersBody.Reading reading = TickersBody.read(notPlain.getBytes(StandardCharsets.UTF_8));
      assertThat(reading.strict()).as(notPlain).isTrue();
      assertThat(reading.plainTickers()).as(notPlain).isNull();
    }
    for (String notStrict :
        new String[] {
          "{\"tickers\":[\"A\"],\"tickers\":[\"B\"]}",
          "{\"tickers\":[\"A\"]} x",
          "{\"tickers\":[\"A\"",
          "{\"tickers\":[\"A\",]}",
          ""
        }) {
      assertThat(TickersBody.read(notStrict.getBytes(StandardCharsets.UTF_8)))
          .as(notStrict)
          .isEqualTo(TickersBody.Reading.NOT_STRICT);
    }
    TickersBody.Reading named =
        TickersBody.read(
            "{\"contributor\":\"user 7\",\"tickers\":[\"AAPL\"]}".getBytes(StandardCharsets.UTF_8));
    assertThat(named.plainTickers()).containsExactly("AAPL");
    assertThat(named.plainContributor()).isEqualTo("user 7");
    for (String notPlain :
        new String[] {
          "{\"tickers\":[],\"contributor\":\"\"}",
          "{\"tickers\":[],\"contributor\":\"user\\n\"}",
          "{\"tickers\":[],\"contributor\":7}",
          "{\"tickers\":[],\"contributor\":\"" + "x".repeat(129) + "\"}",
          "{\"contributor\":\"u\"}"
        }) {
      assertThat(plain(notPlain)).as(notPlain).isNull();
    }
  }

  @Test
  void theBodyShapeOfEachOperationIsReadFromTheDocument() {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await();
      java.util.Map<String, TickersBody.Shape> shapes = new java.util.TreeMap<>();
      contract
          .operations()
          .forEach(op -> shapes.put(op.getOperationId(), TickersBody.Shape.of(op)));
      assertThat(shapes)
          .containsEntry("bufferTickers", new TickersBody.Shape(true, true))
          .containsEntry("refreshTickers", new TickersBody.Shape(true, false))
          .containsEntry("upsertTickers", new TickersBody.Shape(true, false))
          .containsEntry("getUniverse", TickersBody.Shape.NONE)
          .containsEntry("adminFlush", TickersBody.Shape.NONE);
    } finally {
      vertx.close().await();
    }
  }

  private static List<String> plain(String body) {
    TickersBody.Reading reading = TickersBody.read(body.getBytes(StandardCharsets.UTF_8));
    assertThat(reading.strict()).as(body).isTrue();
    return reading.plainTickers();
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
            value);
    Arbitrary<Object> withContributor =
        net.jqwik.api.Combinators.combine(stringArrays, contributors)
            .as((b, c) -> ((JsonObject) b).copy().put("contributor", c));
    return Arbitraries.frequencyOf(
        Tuple.of(1, value),
        Tuple.of(2, tickersOf),
        Tuple.of(2, tickersArrayOf),
        Tuple.of(5, stringArrays),
        Tuple.of(3, withContributor));
  }
}
