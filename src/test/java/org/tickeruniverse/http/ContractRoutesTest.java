package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.metrics.ServiceMetrics;

/**
 * The document and the router describe the same API: no route the document lacks, no operation
 * without a route, and the build refuses to start when either drifts.
 */
class ContractRoutesTest {

  /** The operationIds of the document, spelled out so a rename is a visible, reviewed change. */
  static final Set<String> OPERATION_IDS =
      Set.of(
          "bufferTickers",
          "refreshTickers",
          "upsertTickers",
          "getUniverse",
          "adminFlush",
          "adminEvict",
          "getOpenApi",
          "getApiDocs",
          "getApiDocsAsset",
          "healthLive",
          "healthReady",
          "getMetrics");

  static Vertx vertx;
  static OpenAPIContract contract;
  static TestServer server;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    contract = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await();
    server = TestServer.start(vertx, Map.of());
  }

  @AfterAll
  static void tearDown() {
    server.close();
    vertx.close().await();
  }

  @Test
  void documentDeclaresExactlyTheKnownOperations() {
    assertThat(contract.operations())
        .extracting(Operation::getOperationId)
        .containsExactlyInAnyOrderElementsOf(OPERATION_IDS);
  }

  @Test
  void deployedRouterHasExactlyTheDocumentsRoutes() {
    assertThat(routes(server.verticle.router())).isEqualTo(operations());
  }

  @Test
  void everyDocumentedOperationAnswersOverHttp() {
    for (Operation op : contract.operations()) {
      HttpResponse<byte[]> response =
          server.send(
              server
                  .request(concrete(op.getOpenAPIPath()), TestServer.ADMIN)
                  .method(
                      op.getHttpMethod().name(),
                      java.net.http.HttpRequest.BodyPublishers.ofString("{\"tickers\":[]}"))
                  .header("Content-Type", "application/json")
                  .build());
      String body = Answers.text(response);
      // 404 is allowed only as the JSON answer of /metrics without a metrics registry.
      if (response.statusCode() == 404) {
        assertThat(op.getOperationId()).isEqualTo("getMetrics");
        assertThat(body).contains("metrics are not enabled");
      } else {
        assertThat(response.statusCode()).as(op.getOperationId()).isNotIn(405, 501);
      }
    }
  }

  @Test
  void pathsTheDocumentLacksAre404() {
    for (String path :
        new String[] {
          "/",
          "/api",
          "/api/v1",
          "/api/v1/tickers",
          "/api/v1/admin",
          "/api/v2/universe",
          "/api/v1/tickers/delete",
          "/health",
          "/metrics/x",
          "/api/v1/universe/x"
        }) {
      Answers.assertError(server.get(path, TestServer.ADMIN), 404, "not_found");
    }
  }

  @Test
  void buildFailsWhenAnOperationHasNoHandler() {
    Map<String, Handler<RoutingContext>> handlers = allHandlers();
    handlers.remove("adminEvict");
    assertThatThrownBy(() -> build(handlers))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("adminEvict");
  }

  @Test
  void buildFailsWhenAHandlerHasNoOperation() {
    Map<String, Handler<RoutingContext>> handlers = allHandlers();
    handlers.put("deleteEverything", RoutingContext::next);
    assertThatThrownBy(() -> build(handlers))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deleteEverything");
  }

  @Test
  void servedDocumentIsTheOneTheRouterWasBuiltFrom() throws Exception {
    HttpResponse<byte[]> response = server.get("/api/v1/openapi.yaml", null);
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(HttpVerticle.OPENAPI_RESOURCE)) {
      assertThat(response.body()).isEqualTo(in.readAllBytes());
    }
  }

  /**
   * The error code is an open string in the document (clients must accept codes they do not know),
   * but every code the service can answer is listed there as a known value, with its meaning.
   */
  @Test
  void everyErrorCodeOfTheServiceIsAKnownValueOfTheDocument() {
    io.vertx.core.json.JsonObject code =
        contract
            .getRawContract()
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("ErrorDetail")
            .getJsonObject("properties")
            .getJsonObject("code");
    assertThat(code.containsKey("enum")).as("the code must stay an open set").isFalse();
    assertThat(code.getString("type")).isEqualTo("string");
    for (ErrorCode e : ErrorCode.values()) {
      assertThat(code.getJsonArray("x-known-values").getList()).contains(e.errorCode());
      assertThat(code.getString("description")).contains(e.code() + " `" + e.errorCode() + "`");
    }
  }

  private static Router build(Map<String, Handler<RoutingContext>> handlers) {
    return ApiRouter.build(
        vertx,
        contract,
        handlers,
        new BearerTokens(Set.of(), Set.of()),
        ServiceMetrics.detached(),
        1024);
  }

  private static Map<String, Handler<RoutingContext>> allHandlers() {
    Map<String, Handler<RoutingContext>> handlers = new HashMap<>();
    OPERATION_IDS.forEach(id -> handlers.put(id, ctx -> ctx.end()));
    return handlers;
  }

  /**
   * A path of the document with its parameters filled in (the one templated path: an API page
   * file).
   */
  static String concrete(String openApiPath) {
    return openApiPath.replace("{asset}", "swagger-ui.css");
  }

  private static Set<String> operations() {
    return contract.operations().stream()
        .map(op -> op.getHttpMethod().name() + " " + op.getOpenAPIPath())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every route with a path; path-less routes are the catch-alls (access log, errors). */
  static Set<String> routes(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null) {
        assertThat(route.methods())
            .as("catch-all routes must not be method-specific")
            .isNullOrEmpty();
        continue;
      }
      assertThat(route.methods()).as("route %s", route.getPath()).hasSize(1);
      // vertx-web writes a path parameter as :name, the document as {name}
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      route.methods().forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }
}
