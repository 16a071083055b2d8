package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API page: open without a token, same-origin only (its Content-Security-Policy and its
 * references), and every file it references is served; nothing else under /api/v1/docs/ is.
 * (scripts/api-page-check.sh renders it in a real browser.)
 */
class ApiDocsTest {

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

  @Test
  void thePageIsHtmlWithoutATokenAndLoadsOnlyFromThisOrigin() {
    HttpResponse<byte[]> page = server.get("/api/v1/docs", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'", "script-src 'self';", "connect-src 'self'");
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertThat(html)
        .contains("<div id=\"swagger-ui\">")
        .contains(
            "src=\"/api/v1/docs/swagger-ui-bundle.js\"",
            "src=\"/api/v1/docs/ticker-universe-docs.js\"",
            "href=\"/api/v1/docs/swagger-ui.css\"")
        .doesNotContain("http://", "https://")
        .doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>"); // nothing inline
    HttpResponse<byte[]> init = server.get("/api/v1/docs/ticker-universe-docs.js", null);
    assertThat(new String(init.body(), StandardCharsets.UTF_8))
        .contains("url: '/api/v1/openapi.yaml'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "swagger-ui-bundle.js, text/javascript; charset=utf-8, SwaggerUIBundle",
    "ticker-universe-docs.js, text/javascript; charset=utf-8, SwaggerUIBundle",
    "swagger-ui.css, text/css; charset=utf-8, .swagger-ui",
    "favicon-32x32.png, image/png, PNG",
  })
  void everyFileThePageUsesIsServedWithoutAToken(String asset, String contentType, String content) {
    HttpResponse<byte[]> r = server.get("/api/v1/docs/" + asset, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(contentType);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).contains(content);
    // served twice from the same loaded copy
    assertThat(server.get("/api/v1/docs/" + asset, null).body()).isEqualTo(r.body());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "swagger-initializer.js",
        "index.html",
        "oauth2-redirect.html",
        "pom.properties",
        "x.js"
      })
  void filesThePageDoesNotUseAre404(String asset) {
    Answers.assertError(server.get("/api/v1/docs/" + asset, null), 404, "not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2Fopenapi", ".hidden", "%2E%2E", "a%20b"})
  void namesOutsideTheAssetGrammarAreRefused(String asset) {
    assertThat(server.get("/api/v1/docs/" + asset, null).statusCode()).isIn(400, 404);
  }
}
