package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small pure pieces of the edge, without a server. */
class EdgeUnitsTest {

  @Test
  void tokensMapToRolesAndAdminImpliesCaller() {
    BearerTokens tokens =
        new BearerTokens(Set.of("caller-aaaaaaaaaaaaaaaa"), Set.of("admin-bbbbbbbbbbbbbbbbb"));
    assertThat(tokens.roleOf("caller-aaaaaaaaaaaaaaaa")).isEqualTo(BearerTokens.Role.CALLER);
    assertThat(tokens.roleOf("admin-bbbbbbbbbbbbbbbbb")).isEqualTo(BearerTokens.Role.ADMIN);
    assertThat(tokens.roleOf("caller-aaaaaaaaaaaaaaa")).isEqualTo(BearerTokens.Role.NONE);
    assertThat(tokens.roleOf("")).isEqualTo(BearerTokens.Role.NONE);
    assertThat(tokens.roleOf(null)).isEqualTo(BearerTokens.Role.NONE);
    // A token configured as both is admin.
    assertThat(
            new BearerTokens(Set.of("same-cccccccccccccccc"), Set.of("same-cccccccccccccccc"))
                .roleOf("same-cccccccccccccccc"))
        .isEqualTo(BearerTokens.Role.ADMIN);
  }

  @Test
  void bearerHeaderParsing() {
    assertThat(BearerTokens.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(BearerTokens.bearer("bEaReR  abc ")).isEqualTo("abc");
    assertThat(BearerTokens.bearer("Bearer")).isNull();
    assertThat(BearerTokens.bearer("Bearer   ")).isNull();
    assertThat(BearerTokens.bearer("Basic abc")).isNull();
    assertThat(BearerTokens.bearer("Bearerabc")).isNull();
    assertThat(BearerTokens.bearer(null)).isNull();
  }

  @Test
  void strictJsonAndUtf8() {
    assertThat(isStrictJson("{\"tickers\":[\"A\"]}".getBytes())).isTrue();
    assertThat(isStrictJson(" [1, 2.5, null, true] ".getBytes())).isTrue();
    for (String bad :
        new String[] {
          "{/*c*/}",
          "{\"a\":1,\"a\":2}",
          "[NaN]",
          "[1,]",
          "{'a':1}",
          "{} {}",
          "{",
          "",
          "[".repeat(1001) + "]".repeat(1001)
        }) {
      assertThat(isStrictJson(bad.getBytes())).as(bad).isFalse();
    }
    assertThat(JsonBodyGuard.isUtf8("AAPL €🚀".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(JsonBodyGuard.isUtf8(new byte[] {(byte) 0xC0, (byte) 0xAF})).isFalse();
    assertThat(JsonBodyGuard.isUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse();
    assertThat(JsonBodyGuard.mediaType(" Application/JSON ; charset=utf-8"))
        .isEqualTo("application/json");
  }

  private static boolean isStrictJson(byte[] bytes) {
    return TickersBody.strict(bytes);
  }

  @Test
  void ifNoneMatchAndAcceptEncoding() {
    assertThat(UniverseHandler.matches("\"e1\"", "e1")).isTrue();
    assertThat(UniverseHandler.matches("W/\"e1\"", "e1")).isTrue();
    assertThat(UniverseHandler.matches("\"x\" , \"e1\"", "e1")).isTrue();
    assertThat(UniverseHandler.matches("*", "e1")).isTrue();
    assertThat(UniverseHandler.matches("e1", "e1")).isFalse();
    assertThat(UniverseHandler.matches(null, "e1")).isFalse();
    assertThat(UniverseHandler.acceptsGzip("gzip;q=0.001")).isTrue();
    assertThat(UniverseHandler.acceptsGzip("GZIP")).isTrue();
    assertThat(UniverseHandler.acceptsGzip("gzip;q=0.0")).isFalse();
    assertThat(UniverseHandler.acceptsGzip("gzip;q=zero")).isFalse();
    assertThat(UniverseHandler.acceptsGzip("*;q=0.5")).isTrue();
    assertThat(UniverseHandler.acceptsGzip(null)).isFalse();
  }

  @Test
  void accessPolicyIsReadFromTheDocumentAndFailsClosed() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject doc =
          new JsonObject()
              .put("openapi", "3.1.0")
              .put("info", new JsonObject().put("title", "t").put("version", "1"))
              .put(
                  "components",
                  new JsonObject()
                      .put(
                          "securitySchemes",
                          new JsonObject()
                              .put(
                                  "bearerAuth",
                                  new JsonObject().put("type", "http").put("scheme", "bearer"))
                              .put(
                                  "other",
                                  new JsonObject().put("type", "http").put("scheme", "basic"))))
              .put(
                  "paths",
                  new JsonObject()
                      .put("/none", op("none", null))
                      .put("/open", op("open", "[]"))
                      .put("/caller", op("caller", "[{\"bearerAuth\":[]}]"))
                      .put("/admin", op("admin", "[{\"bearerAuth\":[\"admin\"]}]"))
                      .put(
                          "/either",
                          op("either", "[{\"bearerAuth\":[\"admin\"]},{\"bearerAuth\":[]}]"))
                      .put("/other", op("other", "[{\"other\":[]}]")));
      OpenAPIContract contract = OpenAPIContract.from(vertx, doc).await();
      JsonObject raw = contract.getRawContract();
      assertThat(AccessPolicy.of(contract.operation("none"), raw)).isEqualTo(AccessPolicy.CALLER);
      assertThat(AccessPolicy.of(contract.operation("open"), raw)).isEqualTo(AccessPolicy.OPEN);
      assertThat(AccessPolicy.of(contract.operation("caller"), raw)).isEqualTo(AccessPolicy.CALLER);
      assertThat(AccessPolicy.of(contract.operation("admin"), raw)).isEqualTo(AccessPolicy.ADMIN);
      assertThat(AccessPolicy.of(contract.operation("either"), raw)).isEqualTo(AccessPolicy.CALLER);
      assertThatThrownBy(() -> AccessPolicy.of(contract.operation("other"), raw))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("other");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void onlyParametersTheValidatorCouldRefuseCostARequestValidation() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject paths =
          new JsonObject()
              .put("/none", withParameters("none"))
              .put(
                  "/etag",
                  withParameters("etag", header("If-None-Match", false, "{\"type\":\"string\"}")))
              .put(
                  "/pattern",
                  withParameters(
                      "pattern",
                      header("X-Id", false, "{\"type\":\"string\",\"pattern\":\"^a$\"}")))
              .put(
                  "/integer",
                  withParameters("integer", header("X-N", false, "{\"type\":\"integer\"}")))
              .put(
                  "/required",
                  withParameters("required", header("X-Id", true, "{\"type\":\"string\"}")))
              .put(
                  "/query",
                  withParameters(
                      "query", header("q", false, "{\"type\":\"string\"}").put("in", "query")));
      OpenAPIContract contract =
          OpenAPIContract.from(
                  vertx,
                  new JsonObject()
                      .put("openapi", "3.1.0")
                      .put("info", new JsonObject().put("title", "t").put("version", "1"))
                      .put("paths", paths))
              .await();
      assertThat(ApiRouter.onlyUnconstrainedHeaders(contract.operation("none"))).isTrue();
      assertThat(ApiRouter.onlyUnconstrainedHeaders(contract.operation("etag"))).isTrue();
      for (String id : new String[] {"pattern", "integer", "required", "query"}) {
        assertThat(ApiRouter.onlyUnconstrainedHeaders(contract.operation(id))).as(id).isFalse();
      }
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject header(String name, boolean required, String schema) {
    return new JsonObject()
        .put("name", name)
        .put("in", "header")
        .put("required", required)
        .put("schema", new JsonObject(schema));
  }

  private static JsonObject withParameters(String id, JsonObject... parameters) {
    JsonObject path = op(id, "[]");
    path.getJsonObject("get")
        .put(
            "parameters",
            new io.vertx.core.json.JsonArray(java.util.List.of((Object[]) parameters)));
    return path;
  }

  private static JsonObject op(String id, String security) {
    JsonObject get =
        new JsonObject()
            .put("operationId", id)
            .put(
                "responses",
                new JsonObject().put("200", new JsonObject().put("description", "ok")));
    if (security != null) {
      get.put("security", new io.vertx.core.json.JsonArray(security));
    }
    return new JsonObject().put("get", get);
  }
}
