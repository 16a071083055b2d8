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
import java.util.ArrayList;
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
 * The fast path of ticker bodies is sound: whatever {@link TickersBody#plainlyValid} accepts, the
 * document's own {@code TickersRequest} schema accepts too (checked with the same JSON-schema
 * engine the router uses), so skipping the engine for those bodies changes no answer.
 */
class TickersBodyTest {

  private static final Validator SCHEMA = documentSchema();
  private static final AtomicInteger PLAINLY_VALID = new AtomicInteger();

  private static Validator documentSchema() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject raw = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await().getRawContract();
      JsonObject schema = raw.getJsonObject("components").getJsonObject("schemas").getJsonObject("TickersRequest");
      return Validator.create(JsonSchema.of(schema),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app:///").setOutputFormat(OutputFormat.Basic));
    } finally {
      vertx.close();
    }
  }

  @Property(tries = 3000)
  void whatTheFastPathAcceptsTheDocumentAccepts(@ForAll("bodies") Object body) {
    if (body instanceof JsonObject json && TickersBody.plainlyValid(json)) {
      PLAINLY_VALID.incrementAndGet();
      assertThat(SCHEMA.validate(json).getValid()).as(json.encode()).isTrue();
    }
  }

  @AfterContainer
  static void theGeneratorReallyExercisedTheFastPath() {
    assertThat(PLAINLY_VALID.get()).as("plainly valid bodies among 3000").isGreaterThan(500);
  }

  @Test
  void knownShapes() {
    assertThat(TickersBody.plainlyValid(new JsonObject().put("tickers", new JsonArray().add("AAPL")))).isTrue();
    assertThat(TickersBody.plainlyValid(new JsonObject().put("tickers", new JsonArray()))).isTrue();
    assertThat(TickersBody.plainlyValid(new JsonObject().put("tickers", new JsonArray().add(1)))).isFalse();
    assertThat(TickersBody.plainlyValid(new JsonObject().put("tickers", "AAPL"))).isFalse();
    assertThat(TickersBody.plainlyValid(new JsonObject().put("tickers", new JsonArray()).put("x", 1))).isFalse();
    assertThat(TickersBody.plainlyValid(new JsonObject())).isFalse();
    assertThat(TickersBody.isTickersOperation("getUniverse")).isFalse();
  }

  @Provide
  Arbitrary<Object> bodies() {
    Arbitrary<Object> value = InputPropertiesTest.json(3);
    Arbitrary<Object> tickersOf = value.map(v -> new JsonObject().put("tickers", v));
    Arbitrary<Object> tickersArrayOf = value.list().ofMaxSize(6)
        .map(vs -> new JsonObject().put("tickers", new JsonArray(new ArrayList<>(vs))));
    Arbitrary<Object> stringArrays = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40)
        .list().ofMaxSize(20).map(vs -> new JsonObject().put("tickers", new JsonArray(new ArrayList<Object>(vs))));
    return Arbitraries.frequencyOf(Tuple.of(1, value), Tuple.of(2, tickersOf), Tuple.of(2, tickersArrayOf),
        Tuple.of(5, stringArrays));
  }
}
