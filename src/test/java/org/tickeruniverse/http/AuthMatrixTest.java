package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tickeruniverse.http.TestServer.ADMIN;
import static org.tickeruniverse.http.TestServer.CALLER;
import static org.tickeruniverse.http.TestServer.CALLER_2;
import static org.tickeruniverse.http.TestServer.PROXY;
import static org.tickeruniverse.http.TestServer.WRONG;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;

/**
 * No token, wrong token, caller token, proxy token, admin token × every route; and who may name a
 * contributor on buffer. The expected policy per route is written here independently of the
 * document, and the document's security requirements are checked against it too.
 */
class AuthMatrixTest {

  enum Credential {
    NONE,
    WRONG,
    MALFORMED,
    CALLER,
    CALLER_2,
    PROXY,
    ADMIN
  }

  /** Method, path, expected policy, status on success. */
  record Route(String operationId, String method, String path, AccessPolicy policy, int ok) {}

  static final List<Route> ROUTES =
      List.of(
          new Route("bufferTickers", "POST", "/api/v1/tickers/buffer", AccessPolicy.CALLER, 202),
          new Route("refreshTickers", "POST", "/api/v1/tickers/refresh", AccessPolicy.CALLER, 200),
          new Route("upsertTickers", "POST", "/api/v1/tickers/upsert", AccessPolicy.CALLER, 200),
          new Route("getUniverse", "GET", "/api/v1/universe", AccessPolicy.CALLER, 200),
          new Route("adminFlush", "POST", "/api/v1/admin/flush", AccessPolicy.ADMIN, 200),
          new Route("adminEvict", "POST", "/api/v1/admin/evict", AccessPolicy.ADMIN, 200),
          new Route("getOpenApi", "GET", "/api/v1/openapi.yaml", AccessPolicy.OPEN, 200),
          new Route("getApiDocs", "GET", "/api/v1/docs", AccessPolicy.OPEN, 200),
          new Route("getApiDocsAsset", "GET", "/api/v1/docs/{asset}", AccessPolicy.OPEN, 200),
          new Route("healthLive", "GET", "/health/live", AccessPolicy.OPEN, 200),
          new Route(
              "healthReady",
              "GET",
              "/health/ready",
              AccessPolicy.OPEN,
              503), // stores on closed ports
          new Route(
              "getMetrics", "GET", "/metrics", AccessPolicy.ADMIN, 404)); // no registry in tests

  static Vertx vertx;
  static TestServer server;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    server = TestServer.start(vertx, Map.of());
  }

  @AfterAll
  static void tearDown() {
    server.close();
    vertx.close().await();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (Route r : ROUTES) {
      for (Credential c : Credential.values()) {
        out.add(Arguments.of(r, c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void matrix(Route route, Credential credential) {
    HttpResponse<byte[]> response = call(server, route, credential);
    int expected = expected(route.policy(), credential, route.ok());
    if (expected == 401) {
      Answers.assertError(response, 401, "unauthorized");
    } else if (expected == 403) {
      Answers.assertError(response, 403, "forbidden");
    } else {
      assertThat(response.statusCode()).as(Answers.text(response)).isEqualTo(expected);
    }
  }

  @Test
  void documentDeclaresTheSamePolicies() {
    OpenAPIContract contract = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).await();
    for (Route r : ROUTES) {
      Operation op = contract.operation(r.operationId());
      assertThat(op.getOpenAPIPath()).isEqualTo(r.path());
      assertThat(AccessPolicy.of(op, contract.getRawContract()))
          .as(r.operationId())
          .isEqualTo(r.policy());
    }
    assertThat(contract.operations()).hasSize(ROUTES.size());
  }

  /** Only a proxy token may name a contributor; any other valid token gets 403, nothing sent. */
  @ParameterizedTest(name = "contributor with {0}")
  @org.junit.jupiter.params.provider.EnumSource(Credential.class)
  void onlyAProxyTokenMayNameAContributor(Credential credential) {
    Route buffer = ROUTES.get(0);
    HttpResponse<byte[]> response =
        call(server, buffer, credential, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-1\"}");
    int expected = expected(buffer.policy(), credential, buffer.ok());
    if (expected == 401) {
      Answers.assertError(response, 401, "unauthorized");
    } else if (credential == Credential.PROXY) {
      assertThat(response.statusCode()).as(Answers.text(response)).isEqualTo(202);
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(1);
    } else {
      Answers.assertError(response, 403, "contributor_not_allowed");
      assertThat(server.standIns.count(Addresses.BUFFER)).isZero();
    }
  }

  @Test
  void aTokenListedAsProxyAndAdminMayDoBoth() {
    BearerTokens tokens = new BearerTokens(Set.of(CALLER), Set.of(PROXY, ADMIN), Set.of(ADMIN));
    assertThat(tokens.grantsOf(ADMIN)).isEqualTo(new BearerTokens.Grants(false, true, true));
    assertThat(tokens.roleOf(PROXY)).isEqualTo(BearerTokens.Role.PROXY);
    assertThat(tokens.grantsOf(CALLER).proxy()).isFalse();
    assertThat(tokens.grantsOf(WRONG).valid()).isFalse();
  }

  @Test
  void unauthenticatedBodyIsNotReadFirst() {
    // 401, not 413: the token is checked before any body is buffered.
    HttpResponse<byte[]> r =
        server.postRaw("/api/v1/tickers/buffer", null, "application/json", new byte[200_000]);
    Answers.assertError(r, 401, "unauthorized");
  }

  @Test
  void authorizationHeaderVariants() {
    String path = "/api/v1/universe";
    assertThat(server.get(path, null, "Authorization", "bearer " + CALLER).statusCode())
        .isEqualTo(200);
    assertThat(server.get(path, null, "Authorization", "Bearer   " + CALLER + "  ").statusCode())
        .isEqualTo(200);
    for (String bad :
        new String[] {
          "Basic " + CALLER,
          CALLER,
          "Bearer",
          "Bearer ",
          "Token " + CALLER,
          "Bearer " + CALLER + "x",
          "Bearer " + CALLER.substring(1),
          "Bearer " + CALLER.toUpperCase()
        }) {
      Answers.assertError(server.get(path, null, "Authorization", bad), 401, "unauthorized");
    }
    assertThat(server.verticle.router()).isNotNull();
  }

  @Test
  void disabledAuthOpensEverythingOnLoopbackOnlyAndSaysSo() {
    Logger logger = (Logger) LoggerFactory.getLogger(HttpVerticle.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (TestServer open =
        TestServer.start(
            vertx,
            Map.of(
                "TU_AUTH_DISABLED",
                "true",
                "TU_AUTH_API_TOKENS",
                "",
                "TU_AUTH_ADMIN_TOKENS",
                "",
                "TU_HTTP_HOST",
                "0.0.0.0"))) {
      assertThat(open.config.http().host()).isEqualTo("127.0.0.1");
      for (Route r : ROUTES) {
        for (Credential c : List.of(Credential.NONE, Credential.WRONG)) {
          assertThat(call(open, r, c).statusCode()).as(r + " " + c).isEqualTo(r.ok());
        }
      }
      assertThat(appender.list)
          .anySatisfy(
              e -> {
                assertThat(e.getLevel().toString()).isEqualTo("WARN");
                assertThat(e.getFormattedMessage())
                    .contains("authentication is DISABLED")
                    .contains("127.0.0.1");
              });
    } finally {
      logger.detachAppender(appender);
    }
  }

  static int expected(AccessPolicy policy, Credential credential, int ok) {
    boolean valid =
        credential == Credential.CALLER
            || credential == Credential.CALLER_2
            || credential == Credential.PROXY
            || credential == Credential.ADMIN;
    return switch (policy) {
      case OPEN -> ok;
      case CALLER -> valid ? ok : 401;
      case ADMIN -> !valid ? 401 : credential == Credential.ADMIN ? ok : 403;
    };
  }

  static HttpResponse<byte[]> call(TestServer server, Route route, Credential credential) {
    return call(server, route, credential, "{\"tickers\":[\"AAPL\"]}");
  }

  static HttpResponse<byte[]> call(
      TestServer server, Route route, Credential credential, String postBody) {
    String token =
        switch (credential) {
          case NONE, MALFORMED -> null;
          case WRONG -> WRONG;
          case CALLER -> CALLER;
          case CALLER_2 -> CALLER_2;
          case PROXY -> PROXY;
          case ADMIN -> ADMIN;
        };
    HttpRequest.Builder b = server.request(ContractRoutesTest.concrete(route.path()), token);
    if (credential == Credential.MALFORMED) {
      b.header(
          "Authorization",
          "Basic " + java.util.Base64.getEncoder().encodeToString((ADMIN + ":x").getBytes()));
    }
    if (route.method().equals("POST")) {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(postBody));
    } else {
      b.GET();
    }
    server.standIns.reset();
    HttpResponse<byte[]> response = server.send(b.build());
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      // A refused request reaches no consumer.
      for (String address :
          List.of(
              Addresses.BUFFER,
              Addresses.REFRESH,
              Addresses.UPSERT,
              Addresses.FLUSH,
              Addresses.EVICT)) {
        assertThat(server.standIns.count(address)).isZero();
      }
    }
    return response;
  }
}
