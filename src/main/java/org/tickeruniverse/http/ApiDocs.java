package org.tickeruniverse.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /api/v1/docs}: an interactive page for the OpenAPI document, Swagger UI from its Maven
 * webjar on the class path, served from this origin — no CDN, so the page works where the service
 * works and tells no third party who reads it. The page is ours ({@code api-docs/index.html}, with
 * {@code api-docs/ticker-universe-docs.js} pointing Swagger UI at {@code /api/v1/openapi.yaml});
 * only the files it uses are served, by name, from {@code /api/v1/docs/{asset}}.
 *
 * <p>Open like the document itself: reading the API needs no token (trying an operation from the
 * page does, through its Authorize button). Files are read from the class path once, off the event
 * loop, and then kept (about 2 MB); confined to the verticle's event loop.
 */
final class ApiDocs {

  /**
   * Scripts and styles from this origin only; Swagger UI sets inline styles, nothing else is
   * loosened.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final String OWN = "api-docs/";

  /** Written by Maven into the webjar; the version lives in pom.xml only. */
  private static final String WEBJAR_PROPERTIES =
      "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String PAGE = "index.html";

  /** Served names → their class-path location, relative to {@link #OWN} or the webjar's folder. */
  private static final Map<String, Source> ASSETS =
      Map.of(
          PAGE,
          new Source(true, PAGE),
          "ticker-universe-docs.js",
          new Source(true, "ticker-universe-docs.js"),
          "swagger-ui.css",
          new Source(false, "swagger-ui.css"),
          "swagger-ui-bundle.js",
          new Source(false, "swagger-ui-bundle.js"),
          "favicon-32x32.png",
          new Source(false, "favicon-32x32.png"),
          "favicon-16x16.png",
          new Source(false, "favicon-16x16.png"));

  private record Source(boolean own, String file) {}

  private final Vertx vertx;
  private final Map<String, Future<Buffer>> loaded = new HashMap<>();

  ApiDocs(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The page itself. */
  Handler<RoutingContext> page() {
    return ctx -> serve(ctx, PAGE);
  }

  /** One file of the page; 404 for any name the page does not use. */
  Handler<RoutingContext> asset() {
    return ctx -> {
      String name = ctx.pathParam("asset");
      if (name == null || name.equals(PAGE) || !ASSETS.containsKey(name)) {
        ctx.fail(404);
        return;
      }
      serve(ctx, name);
    };
  }

  private void serve(RoutingContext ctx, String name) {
    load(name)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(500, ar.cause());
                return;
              }
              HttpServerResponse response =
                  ctx.response()
                      .putHeader(HttpHeaders.CONTENT_TYPE, contentType(name))
                      .putHeader(
                          HttpHeaders.CACHE_CONTROL,
                          name.equals(PAGE) ? "no-cache" : "public, max-age=3600")
                      .putHeader("X-Content-Type-Options", "nosniff")
                      .putHeader("Referrer-Policy", "no-referrer");
              if (name.equals(PAGE)) {
                response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
              }
              response.end(ar.result());
            });
  }

  private Future<Buffer> load(String name) {
    Future<Buffer> f = loaded.get(name);
    if (f == null || f.failed()) {
      Source source = ASSETS.get(name);
      f =
          vertx.executeBlocking(
              () ->
                  Buffer.buffer(
                      read(
                          source.own()
                              ? OWN + source.file()
                              : WEBJAR + webjarVersion() + "/" + source.file())),
              false);
      loaded.put(name, f);
    }
    return f;
  }

  static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".png")) {
      return "image/png";
    }
    return "application/octet-stream";
  }

  private static String webjarVersion() {
    Properties properties = new Properties();
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(WEBJAR_PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException("the Swagger UI webjar is not on the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing on the class path: " + resource);
      }
      return in.readAllBytes();
    }
  }
}
