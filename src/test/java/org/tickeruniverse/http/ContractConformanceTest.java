package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tickeruniverse.http.Answers.assertError;
import static org.tickeruniverse.http.Answers.json;
import static org.tickeruniverse.http.TestServer.ADMIN;
import static org.tickeruniverse.http.TestServer.CALLER;
import static org.tickeruniverse.http.TestServer.PROXY;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.privacy.ContributorKey;

/**
 * Every route with valid and invalid requests; every answer that the document describes is checked
 * against the document's response schema with vertx-openapi's ResponseValidator, and every error
 * against the uniform shape.
 */
class ContractConformanceTest {

  static final String BUFFER = "/api/v1/tickers/buffer";
  static final String REFRESH = "/api/v1/tickers/refresh";
  static final String UPSERT = "/api/v1/tickers/upsert";

  static Vertx vertx;
  static TestServer server;
  static ResponseValidator responses;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    // A short bus time-out so the time-out case is quick; a small body limit for 413.
    server =
        TestServer.start(
            vertx,
            Map.of(
                "TU_HTTP_BUS_TIMEOUT_MILLIS",
                "300",
                "TU_HTTP_BODY_LIMIT_BYTES",
                "65536",
                "TU_BUFFER_MAX_TICKERS",
                "1000"));
    responses =
        ResponseValidator.create(
            vertx, OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await());
  }

  @AfterAll
  static void tearDown() {
    server.close();
    vertx.close().await();
  }

  @AfterEach
  void resetStandIns() {
    server.standIns.reset();
  }

  /**
   * Fails unless the answer is one the document describes for that operation, body schema included.
   */
  static void conforms(String operationId, HttpResponse<byte[]> response) {
    // The validator matches media types exactly against the document's keys; parameters such as
    // the charset are not part of the schema question.
    String contentType =
        response.headers().firstValue("content-type").map(JsonBodyGuard::mediaType).orElse(null);
    Map<String, String> headers = new HashMap<>();
    ValidatableResponse candidate =
        response.body().length == 0
            ? ValidatableResponse.create(response.statusCode(), headers)
            : ValidatableResponse.create(
                response.statusCode(), headers, Buffer.buffer(response.body()), contentType);
    responses.validate(candidate, operationId).await();
  }

  // ---- ticker operations: valid -----------------------------------------------------------

  @Test
  void bufferAcceptsAndForwardsTheNormalisedList() {
    HttpResponse<byte[]> r =
        server.post(BUFFER, CALLER, "{\"tickers\":[\" aapl \",\"VOD.L\",\"aapl\",\"\",\"brk-b\"]}");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r)).isEqualTo(new JsonObject().put("buffered", 3));
    conforms("bufferTickers", r);
    assertThat(server.standIns.received(Addresses.BUFFER))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getJsonArray(Messages.TICKERS).getList())
                  .containsExactly("AAPL", "BRK-B", "VOD.L");
              // The contributor is the caller's token, as a digest: never the token itself.
              assertThat(m.getString(Messages.CONTRIBUTOR))
                  .isEqualTo(ContributorKey.callerDigest(CALLER, null))
                  .startsWith("d:")
                  .doesNotContain(CALLER);
              assertThat(m.fieldNames())
                  .containsExactlyInAnyOrder(Messages.TICKERS, Messages.CONTRIBUTOR);
            });
  }

  @Test
  void aProxyTokensContributorIsForwardedAsADigestOfTokenAndName() {
    HttpResponse<byte[]> r =
        server.post(BUFFER, PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-42\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    conforms("bufferTickers", r);
    HttpResponse<byte[]> again =
        server.post(BUFFER, PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-43\"}");
    assertThat(again.statusCode()).isEqualTo(202);
    HttpResponse<byte[]> itself = server.post(BUFFER, PROXY, "{\"tickers\":[\"AAPL\"]}");
    assertThat(itself.statusCode()).isEqualTo(202);
    List<JsonObject> sent = server.standIns.received(Addresses.BUFFER);
    assertThat(sent).hasSize(3);
    String first = sent.get(0).getString(Messages.CONTRIBUTOR);
    assertThat(first)
        .isEqualTo(ContributorKey.callerDigest(PROXY, "user-42"))
        .doesNotContain("user-42")
        .doesNotContain(PROXY);
    assertThat(sent.get(1).getString(Messages.CONTRIBUTOR)).isNotEqualTo(first);
    assertThat(sent.get(2).getString(Messages.CONTRIBUTOR))
        .as("a proxy token without the field counts as itself")
        .isEqualTo(ContributorKey.callerDigest(PROXY, null));
  }

  @Test
  void aCallerTokenNamingAContributorIsRefusedAndNothingIsSent() {
    for (String token : List.of(CALLER, ADMIN)) {
      HttpResponse<byte[]> r =
          server.post(BUFFER, token, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-42\"}");
      JsonObject error = assertError(r, 403, "contributor_not_allowed");
      assertThat(error.getString("message")).doesNotContain("user-42");
      conforms("bufferTickers", r);
    }
    // Not only the plain shortcut: a body the schema engine reads is refused the same way.
    HttpResponse<byte[]> spaced =
        server.post(BUFFER, CALLER, "{ \"contributor\" : \"user-42\", \"tickers\" : [ ] }");
    assertError(spaced, 403, "contributor_not_allowed");
    assertThat(server.standIns.received(Addresses.BUFFER)).isEmpty();
  }

  @Test
  void aMalformedContributorIsRefusedAndNothingIsSent() {
    for (String body :
        List.of(
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"\"}",
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"" + "x".repeat(129) + "\"}",
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"tab\\there\"}",
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"line\\n\"}",
            "{\"contributor\":\"user\",\"tickers\":[\"AAPL\"],\"extra\":1}",
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"caf\u00e9\"}",
            "{\"tickers\":[\"AAPL\"],\"contributor\":42}")) {
      HttpResponse<byte[]> r = server.post(BUFFER, PROXY, body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
    }
    HttpResponse<byte[]> refresh =
        server.post(
            "/api/v1/tickers/refresh",
            PROXY,
            "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-1\"}");
    assertThat(refresh.statusCode()).as("only buffer takes a contributor").isEqualTo(400);
    assertThat(server.standIns.received(Addresses.BUFFER)).isEmpty();
  }

  @Test
  void everySpecExampleIsAccepted() {
    List<String> examples =
        List.of(
            "AAPL",
            "VOD.L",
            "BRK-B",
            "0700.HK",
            "^GSPC",
            "EURUSD=X",
            "ES=F",
            "M&M.NS",
            "BTC-USD",
            "A".repeat(32));
    HttpResponse<byte[]> r =
        server.post(
            BUFFER, CALLER, new JsonObject().put("tickers", new JsonArray(examples)).encode());
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).getInteger("buffered")).isEqualTo(examples.size());
  }

  @Test
  void emptyAndBlankListsAreValidAndCountZero() {
    assertThat(json(server.post(BUFFER, CALLER, "{\"tickers\":[]}")).getInteger("buffered"))
        .isZero();
    assertThat(
            json(server.post(BUFFER, CALLER, "{\"tickers\":[\" \",\"\\t\"]}"))
                .getInteger("buffered"))
        .isZero();
  }

  @Test
  void charsetParameterOnJsonIsAccepted() {
    HttpResponse<byte[]> r =
        server.postRaw(
            BUFFER,
            CALLER,
            "Application/JSON; charset=UTF-8",
            "{\"tickers\":[\"AAPL\"]}".getBytes());
    assertThat(r.statusCode()).isEqualTo(202);
  }

  @Test
  void refreshAnswersUpdated() {
    HttpResponse<byte[]> r = server.post(REFRESH, CALLER, "{\"tickers\":[\"msft\",\"AAPL\"]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).isEqualTo(new JsonObject().put("updated", 2));
    conforms("refreshTickers", r);
    assertThat(server.standIns.received(Addresses.REFRESH))
        .containsExactly(Messages.tickersRequest(List.of("AAPL", "MSFT")));
  }

  @Test
  void upsertAnswersUpserted() {
    HttpResponse<byte[]> r = server.post(UPSERT, CALLER, "{\"tickers\":[\"msft\"]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).isEqualTo(new JsonObject().put("upserted", 1));
    conforms("upsertTickers", r);
  }

  @Test
  void upsertSwitchedOffIs403() {
    server.standIns.override(
        Addresses.UPSERT, StandIns.failWith(ErrorCode.FORBIDDEN, "upsert is switched off"));
    HttpResponse<byte[]> r = server.post(UPSERT, CALLER, "{\"tickers\":[\"msft\"]}");
    JsonObject error = assertError(r, 403, "forbidden");
    assertThat(error.getString("message")).isEqualTo("upsert is switched off");
    conforms("upsertTickers", r);
  }

  // ---- ticker operations: invalid ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {BUFFER, REFRESH, UPSERT})
  void invalidTickerIsRefusedWholeNamingOffenders(String path) {
    HttpResponse<byte[]> r =
        server.post(path, CALLER, "{\"tickers\":[\"AAPL\",\"BAD TICKER\",\"\\u00e9\"]}");
    JsonObject error = assertError(r, 400, "invalid_input");
    assertThat(error.getJsonArray("offenders")).containsExactly("BAD TICKER", "é");
    assertThat(
            server.standIns.count(Addresses.BUFFER)
                + server.standIns.count(Addresses.REFRESH)
                + server.standIns.count(Addresses.UPSERT))
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"tickers\":\"AAPL\"}",
        "{\"tickers\":[1]}",
        "{\"tickers\":[null]}",
        "{\"tickers\":[[\"AAPL\"]]}",
        "{\"tickers\":[{\"t\":\"AAPL\"}]}",
        "{\"tickers\":null}",
        "{\"tickers\":{}}",
        "{}",
        "[]",
        "[\"AAPL\"]",
        "\"AAPL\"",
        "42",
        "null",
        "true",
        "{\"tickers\":[\"AAPL\"],\"extra\":1}",
        "{\"Tickers\":[\"AAPL\"]}"
      })
  void wrongTypesAre400(String body) {
    HttpResponse<byte[]> r = server.post(BUFFER, CALLER, body);
    assertError(r, 400, "invalid_input");
    conforms("bufferTickers", r);
    assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
  }

  /**
   * The refusals keep their order and wording through the one pass over the body
   * (docs/PERFORMANCE.md#one-pass-over-a-ticker-body): a body off the document's shape is worded by
   * the schema engine, naming the place, even when its tickers are bad too; then too many tickers;
   * then the invalid ones, named.
   */
  @Test
  void refusalsKeepTheirOrderAndWording() {
    JsonObject shape =
        assertError(
            server.post(BUFFER, CALLER, "{\"tickers\":[\"BAD TICKER\",\"AAPL\",7]}"),
            400,
            "invalid_input");
    assertThat(shape.getString("message"))
        .startsWith("the request body does not match the API contract: /tickers/2");
    assertThat(shape.getJsonArray("offenders", new JsonArray())).isEmpty();
    JsonObject extra =
        assertError(
            server.post(REFRESH, CALLER, "{\"tickers\":[\"BAD TICKER\"],\"contributor\":\"u\"}"),
            400,
            "invalid_input");
    assertThat(extra.getString("message"))
        .startsWith("the request body does not match the API contract");
    JsonArray many = new JsonArray();
    IntStream.range(0, 1001).forEach(i -> many.add("BAD TICKER " + i));
    JsonObject tooMany =
        assertError(
            server.post(UPSERT, CALLER, new JsonObject().put("tickers", many).encode()),
            400,
            "invalid_input");
    assertThat(tooMany.getString("message"))
        .isEqualTo("too many tickers: 1001 given, at most 1000 allowed");
    many.remove(1000);
    JsonObject invalid =
        assertError(
            server.post(UPSERT, CALLER, new JsonObject().put("tickers", many).encode()),
            400,
            "invalid_input");
    assertThat(invalid.getString("message"))
        .isEqualTo(
            "1000 invalid ticker(s): each must be 1-32 characters of A-Z 0-9 . - = ^ & after"
                + " trimming and upper-casing");
    assertThat(invalid.getJsonArray("offenders")).hasSize(20).contains("BAD TICKER 0");
    assertThat(server.standIns.count(Addresses.UPSERT) + server.standIns.count(Addresses.BUFFER))
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"tickers\":[\"AAPL\"",
        "{\"tickers\":[\"AAPL\",]}",
        "{'tickers':['AAPL']}",
        "{\"tickers\":[\"AAPL\"]}}",
        "tickers=AAPL",
        "{\"tickers\":[\"AA\nPL\"]}",
        "\u0000"
      })
  void malformedJsonIs400(String body) {
    HttpResponse<byte[]> r = server.post(BUFFER, CALLER, body);
    assertError(r, 400, "malformed_json");
    conforms("bufferTickers", r);
    assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
  }

  @Test
  void missingBodyIs400() {
    assertError(server.post(BUFFER, CALLER, ""), 400, "invalid_input");
  }

  @Test
  void tooManyTickersIs400() {
    JsonArray many = new JsonArray();
    IntStream.range(0, 1001).forEach(i -> many.add("T" + i));
    HttpResponse<byte[]> r =
        server.post(BUFFER, CALLER, new JsonObject().put("tickers", many).encode());
    JsonObject error = assertError(r, 400, "invalid_input");
    assertThat(error.getString("message")).contains("too many tickers");
    assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
    // … and exactly the limit is fine.
    many.remove(1000);
    assertThat(
            server
                .post(BUFFER, CALLER, new JsonObject().put("tickers", many).encode())
                .statusCode())
        .isEqualTo(202);
  }

  @Test
  void bodyOverTheLimitIs413() {
    JsonArray many = new JsonArray();
    IntStream.range(0, 8000).forEach(i -> many.add("TICKER" + i));
    String body = new JsonObject().put("tickers", many).encode();
    assertThat(body.length()).isGreaterThan(65536);
    HttpResponse<byte[]> r = server.post(BUFFER, CALLER, body);
    assertError(r, 413, "payload_too_large");
    conforms("bufferTickers", r);
    assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/json-patch+json",
        "text/json",
        "application/octet-stream",
        "json"
      })
  void nonJsonContentTypeIs415(String contentType) {
    HttpResponse<byte[]> r =
        server.postRaw(BUFFER, CALLER, contentType, "{\"tickers\":[\"AAPL\"]}".getBytes());
    assertError(r, 415, "unsupported_media_type");
    conforms("bufferTickers", r);
    assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
  }

  @Test
  void missingContentTypeIs415() {
    assertError(
        server.postRaw(BUFFER, CALLER, null, "{\"tickers\":[\"AAPL\"]}".getBytes()),
        415,
        "unsupported_media_type");
  }

  // ---- event-bus failures -----------------------------------------------------------------

  @Test
  void busTimeoutIs503WithRetryAfter() {
    server.standIns.override(Addresses.BUFFER, StandIns.hang());
    HttpResponse<byte[]> r = server.post(BUFFER, CALLER, "{\"tickers\":[\"AAPL\"]}");
    assertError(r, 503, "store_unavailable");
    conforms("bufferTickers", r);
  }

  @Test
  void noConsumerIs503() {
    server.standIns.unregister(Addresses.EVICT);
    try {
      assertError(server.post("/api/v1/admin/evict", ADMIN, null), 503, "store_unavailable");
    } finally {
      server.standIns.register(Addresses.EVICT);
    }
  }

  @Test
  void storeDownIs503() {
    server.standIns.override(
        Addresses.REFRESH,
        StandIns.failWith(ErrorCode.STORE_UNAVAILABLE, "a backing store is unavailable"));
    HttpResponse<byte[]> r = server.post(REFRESH, CALLER, "{\"tickers\":[\"AAPL\"]}");
    assertError(r, 503, "store_unavailable");
    conforms("refreshTickers", r);
  }

  @Test
  void consumerRefusalIsPassedOnAs400() {
    server.standIns.override(Addresses.BUFFER, StandIns.failWith(ErrorCode.INVALID_INPUT, "no"));
    assertError(server.post(BUFFER, CALLER, "{\"tickers\":[\"AAPL\"]}"), 400, "invalid_input");
  }

  @Test
  void internalFailuresAre500WithoutDetails() {
    server.standIns.override(
        Addresses.BUFFER, StandIns.failWith(ErrorCode.INTERNAL, "NullPointerException at Foo"));
    JsonObject error =
        assertError(server.post(BUFFER, CALLER, "{\"tickers\":[\"AAPL\"]}"), 500, "internal_error");
    assertThat(error.getString("message")).isEqualTo("internal error");

    // A foreign consumer failing with raw text (an SQL error, say) leaks nothing either.
    server.standIns.override(
        Addresses.BUFFER,
        StandIns.rawFail(
            500, "java.sql.SQLSyntaxErrorException: INSERT INTO ticker_universe ... at 127.0.0.1"));
    assertError(server.post(BUFFER, CALLER, "{\"tickers\":[\"AAPL\"]}"), 500, "internal_error");

    // A reply without the documented field is our bug, not the caller's.
    server.standIns.override(Addresses.BUFFER, msg -> Future.succeededFuture(new JsonObject()));
    assertError(server.post(BUFFER, CALLER, "{\"tickers\":[\"AAPL\"]}"), 500, "internal_error");
  }

  @Test
  void rawStoreFailureTextNeverReachesTheCaller() {
    server.standIns.override(
        Addresses.FLUSH,
        StandIns.rawFail(
            503,
            "io.vertx.mysqlclient.MySQLException: Table 'ticker_universe' doesn't exist SELECT 1"));
    JsonObject error =
        assertError(server.post("/api/v1/admin/flush", ADMIN, null), 503, "store_unavailable");
    assertThat(error.getString("message")).isEqualTo("request failed");
  }

  // ---- admin, universe, ops ---------------------------------------------------------------

  @Test
  void flushAnswersTheReplyCounts() {
    HttpResponse<byte[]> r = server.post("/api/v1/admin/flush", ADMIN, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).getLong("inserted")).isEqualTo(7);
    conforms("adminFlush", r);
    assertThat(server.standIns.received(Addresses.FLUSH)).containsExactly(new JsonObject());
  }

  @Test
  void aFlushRefusedForAnotherHoldersLeaseIs409BusyWithRetryAfter() {
    for (String path : List.of("/api/v1/admin/flush", "/api/v1/admin/evict")) {
      String address = path.endsWith("flush") ? Addresses.FLUSH : Addresses.EVICT;
      server.standIns.override(
          address,
          StandIns.rawFail(
              ErrorCode.BUSY.code(),
              ErrorCode.BUSY.body("another node is running the flush", List.of(), 7)));
      HttpResponse<byte[]> r = server.post(path, ADMIN, null);
      JsonObject error = assertError(r, 409, "busy");
      assertThat(error.getInteger("retryAfterSeconds")).isEqualTo(7);
      assertThat(r.headers().firstValue("Retry-After")).contains("7");
      conforms(path.endsWith("flush") ? "adminFlush" : "adminEvict", r);
    }
  }

  @Test
  void evictAnswersDeleted() {
    HttpResponse<byte[]> r = server.post("/api/v1/admin/evict", ADMIN, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).isEqualTo(new JsonObject().put("deleted", 4));
    conforms("adminEvict", r);
  }

  @Test
  void universeConforms() {
    HttpResponse<byte[]> r = server.get("/api/v1/universe", CALLER);
    assertThat(r.statusCode()).isEqualTo(200);
    conforms("getUniverse", r);
    HttpResponse<byte[]> notModified =
        server.get(
            "/api/v1/universe",
            CALLER,
            "If-None-Match",
            r.headers().firstValue("etag").orElseThrow());
    assertThat(notModified.statusCode()).isEqualTo(304);
    conforms("getUniverse", notModified);
  }

  @Test
  void livenessIs200() {
    HttpResponse<byte[]> r = server.get("/health/live", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).getString("status")).isEqualTo("UP");
    conforms("healthLive", r);
  }

  @Test
  void readinessIs503WhileRedisAndMysqlAreUnreachable() {
    HttpResponse<byte[]> r = server.get("/health/ready", null);
    assertThat(r.statusCode()).isEqualTo(503);
    JsonObject body = json(r);
    assertThat(body.getString("status")).isEqualTo("DOWN");
    Map<String, String> checks = new HashMap<>();
    body.getJsonArray("checks")
        .forEach(
            c ->
                checks.put(((JsonObject) c).getString("id"), ((JsonObject) c).getString("status")));
    // The test server's node runs every verticle: both stores, and the edge's universe snapshot
    // (served by the stand-ins, so it may already be loaded), and the universe verticle's own
    // snapshot, never built here (the stand-ins replace that verticle).
    assertThat(checks)
        .containsKeys("redis", "mysql", "universe", "snapshot")
        .hasSize(4)
        .containsEntry("redis", "DOWN")
        .containsEntry("mysql", "DOWN")
        .containsEntry("snapshot", "DOWN");
    Answers.assertNoImplementationDetails(Answers.text(r));
    conforms("healthReady", r);
  }

  @Test
  void metricsWithoutARegistryIs404Json() {
    HttpResponse<byte[]> r = server.get("/metrics", ADMIN);
    assertError(r, 404, "not_found");
    conforms("getMetrics", r);
  }

  @Test
  void openApiDocumentConforms() {
    HttpResponse<byte[]> r = server.get("/api/v1/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Answers.text(r)).startsWith("openapi: 3.1");
  }

  // ---- router-level errors ----------------------------------------------------------------

  @Test
  void unknownRouteIs404Json() {
    assertError(server.get("/nope", CALLER), 404, "not_found");
    assertError(server.post("/api/v1/tickers/nope", CALLER, "{}"), 404, "not_found");
  }

  @Test
  void wrongMethodIs405JsonWithAllow() {
    HttpResponse<byte[]> r = server.get(BUFFER, CALLER);
    assertError(r, 405, "method_not_allowed");
    assertThat(r.headers().firstValue("allow")).hasValue("POST");
    for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
      assertError(server.method(method, "/api/v1/universe", CALLER), 405, "method_not_allowed");
    }
    assertThat(server.method("DELETE", "/api/v1/universe", CALLER).headers().firstValue("allow"))
        .hasValue("GET");
  }
}
