package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.http.TestServer.ADMIN;
import static org.tickeruniverse.http.TestServer.CALLER;
import static org.tickeruniverse.http.TestServer.CALLER_2;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.SharedVertx;
import org.tickeruniverse.universe.UniverseDocument;

/** GET /api/v1/universe: cached bytes, ETag/304, gzip, same bytes for everyone, refresh rules. */
class UniverseEndpointTest {

  static final String PATH = "/api/v1/universe";
  static final List<String> TICKERS = List.of("AAPL", "BRK-B", "MSFT", "VOD.L");

  /**
   * The safety-refresh period where a test is about it (injected: the setting's floor is a second).
   */
  static final long REFRESH_MILLIS = 100;

  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();
  static final Vertx vertx = VERTX.vertx();

  @Test
  void servesTheDocumentBytesWithCacheHeaders() {
    try (TestServer server = started(TICKERS)) {
      UniverseDocument expected = UniverseDocument.of(TICKERS);
      HttpResponse<byte[]> r = server.get(PATH, CALLER);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(expected.json().getBytes());
      assertThat(r.headers().firstValue("etag")).hasValue("\"" + expected.etag() + "\"");
      assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
      assertThat(r.headers().firstValue("vary"))
          .hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
      assertThat(r.headers().firstValue("content-encoding")).isEmpty();
      assertThat(
              new JsonObject(new String(r.body()))
                  .getJsonArray("tickers").stream().map(String::valueOf).toList())
          .isEqualTo(TICKERS);
    }
  }

  /**
   * A universe of several list pages reaches an edge whose UniverseVerticle is elsewhere page by
   * page, and the edge serves exactly the source's bytes (plain and gzip) and ETag.
   */
  @Test
  void aUniverseOfSeveralPagesIsAssembledFromThePagesIntoTheSameBytes() {
    List<String> big = numbered("X", 250_000, ".DE"); // three LIST pages
    try (TestServer server = started(big)) {
      UniverseDocument expected = UniverseDocument.of(big);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> server.get(PATH, CALLER).statusCode() == 200);
      HttpResponse<byte[]> r = server.get(PATH, CALLER);
      assertThat(r.body()).isEqualTo(expected.json().getBytes());
      assertThat(r.headers().firstValue("etag")).hasValue("\"" + expected.etag() + "\"");
      assertThat(server.get(PATH, CALLER, "Accept-Encoding", "gzip").body())
          .isEqualTo(expected.gzip().getBytes());
    }
  }

  @Test
  void sameBytesAndEtagForEveryCaller() {
    try (TestServer server = started(TICKERS)) {
      HttpResponse<byte[]> a = server.get(PATH, CALLER);
      HttpResponse<byte[]> b = server.get(PATH, CALLER_2);
      HttpResponse<byte[]> c = server.get(PATH, ADMIN);
      assertThat(a.body()).isEqualTo(b.body()).isEqualTo(c.body());
      assertThat(a.headers().map()).isEqualTo(b.headers().map()).isEqualTo(c.headers().map());
      HttpResponse<byte[]> ga = server.get(PATH, CALLER, "Accept-Encoding", "gzip");
      HttpResponse<byte[]> gb = server.get(PATH, CALLER_2, "Accept-Encoding", "gzip");
      assertThat(ga.body()).isEqualTo(gb.body());
    }
  }

  @Test
  void notModifiedOnMatchingIfNoneMatch() {
    try (TestServer server = started(TICKERS)) {
      String etag = server.get(PATH, CALLER).headers().firstValue("etag").orElseThrow();
      for (String header : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
        HttpResponse<byte[]> r = server.get(PATH, CALLER_2, "If-None-Match", header);
        assertThat(r.statusCode()).as(header).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("etag")).hasValue(etag);
      }
      assertThat(server.get(PATH, CALLER, "If-None-Match", "\"stale\"").statusCode())
          .isEqualTo(200);
      // Authentication comes first: a matching ETag does not let an anonymous caller probe.
      Answers.assertError(server.get(PATH, null, "If-None-Match", etag), 401, "unauthorized");
    }
  }

  @Test
  void gzipWhenAskedWithThePrebuiltBytes() throws IOException {
    try (TestServer server = started(TICKERS)) {
      UniverseDocument expected = UniverseDocument.of(TICKERS);
      for (String accept : List.of("gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*")) {
        HttpResponse<byte[]> r = server.get(PATH, CALLER, "Accept-Encoding", accept);
        assertThat(r.headers().firstValue("content-encoding")).as(accept).hasValue("gzip");
        assertThat(r.body()).isEqualTo(expected.gzip().getBytes());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
          assertThat(in.readAllBytes()).isEqualTo(expected.json().getBytes());
        }
      }
      for (String accept :
          List.of("identity", "br", "gzip;q=0", "*;q=0", "deflate", "gzip;q=0, *")) {
        HttpResponse<byte[]> r = server.get(PATH, CALLER, "Accept-Encoding", accept);
        assertThat(r.headers().firstValue("content-encoding")).as(accept).isEmpty();
        assertThat(r.body()).isEqualTo(expected.json().getBytes());
      }
    }
  }

  @Test
  void unavailableUntilTheListCanBeFetchedThenServed() {
    // No LIST consumer yet (the UniverseVerticle deploys later or elsewhere): start still works.
    try (TestServer server = TestServer.start(vertx, Map.of(), false)) {
      HttpResponse<byte[]> r = server.get(PATH, CALLER);
      Answers.assertError(r, 503, "universe_unavailable");
      server.standIns.universe(TICKERS);
      server.standIns.register(Addresses.LIST);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(server.get(PATH, CALLER).statusCode()).isEqualTo(200));
      assertThat(server.get(PATH, CALLER).body())
          .isEqualTo(UniverseDocument.of(TICKERS).json().getBytes());
    }
  }

  @Test
  void refetchesOnlyWhenTheAnnouncedEtagDiffers() {
    try (TestServer server = started(TICKERS)) {
      int before = server.standIns.count(Addresses.LIST);
      // Same ETag as held: nothing to do.
      vertx
          .eventBus()
          .publish(
              Addresses.EVENT_UNIVERSE_CHANGED,
              new JsonObject()
                  .put(Messages.COUNT, TICKERS.size())
                  .put(Messages.ETAG, UniverseDocument.of(TICKERS).etag()));
      // A new version: fetched once.
      List<String> next = List.of("AAPL", "GOOG", "MSFT");
      server.standIns.universe(next);
      vertx
          .eventBus()
          .publish(
              Addresses.EVENT_UNIVERSE_CHANGED,
              new JsonObject()
                  .put(Messages.COUNT, next.size())
                  .put(Messages.ETAG, UniverseDocument.of(next).etag()));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(server.get(PATH, CALLER).body())
                      .isEqualTo(UniverseDocument.of(next).json().getBytes()));
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () -> assertThat(server.standIns.count(Addresses.LIST)).isEqualTo(before + 1));
    }
  }

  @Test
  void periodicSafetyRefreshPicksUpAMissedChange() {
    try (TestServer server = started(TICKERS, REFRESH_MILLIS)) {
      List<String> next = List.of("NEW.L");
      server.standIns.universe(next); // no event published: as if it was lost
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(server.get(PATH, CALLER).body())
                      .isEqualTo(UniverseDocument.of(next).json().getBytes()));
    }
  }

  /** The tests above inject the period; the service's constructor takes the setting's seconds. */
  @Test
  void theSafetyRefreshPeriodIsTheSettingsSeconds() {
    ServiceConfig config =
        ConfigLoader.load(List.of(), TestServer.env(Map.of("TU_UNIVERSE_REFRESH_SECONDS", "7")));
    assertThat(new HttpVerticle(config).universeRefreshMillis()).isEqualTo(7_000);
  }

  @Test
  void keepsServingThePreviousCopyWhenTheListFails() {
    try (TestServer server = started(TICKERS, REFRESH_MILLIS)) {
      byte[] first = server.get(PATH, CALLER).body();
      server.standIns.unregister(Addresses.LIST);
      int before = server.standIns.count(Addresses.LIST);
      vertx
          .eventBus()
          .publish(Addresses.EVENT_UNIVERSE_CHANGED, new JsonObject().put(Messages.ETAG, "x"));
      // Five refresh periods and the retries after the failed fetch the event started: each fails.
      await()
          .during(Duration.ofMillis(5 * REFRESH_MILLIS))
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () -> {
                HttpResponse<byte[]> r = server.get(PATH, CALLER);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(first);
              });
      assertThat(server.standIns.count(Addresses.LIST)).isEqualTo(before);
    }
  }

  @Test
  void largeUniverseIsServedFromMemory() {
    List<String> many = numbered("T", 100_000, "");
    try (TestServer server = started(many)) {
      int lists = server.standIns.count(Addresses.LIST);
      for (int i = 0; i < 20; i++) {
        HttpResponse<byte[]> r =
            server.get(PATH, i % 2 == 0 ? CALLER : CALLER_2, "Accept-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
      }
      assertThat(server.standIns.count(Addresses.LIST))
          .isEqualTo(lists); // never one query per request
    }
  }

  /** {@code prefix} + a six-digit number + {@code suffix}, {@code n} of them, sorted. */
  private static List<String> numbered(String prefix, int n, String suffix) {
    List<String> tickers = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String digits = Integer.toString(i);
      tickers.add(prefix + "000000".substring(digits.length()) + digits + suffix);
    }
    return tickers;
  }

  private static TestServer started(List<String> tickers) {
    return started(TestServer.start(vertx, Map.of(), tickers));
  }

  /** With a safety refresh every {@code refreshMillis}, not the test servers' hour. */
  private static TestServer started(List<String> tickers, long refreshMillis) {
    return started(TestServer.start(vertx, Map.of(), tickers, refreshMillis));
  }

  private static TestServer started(TestServer server) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.get(PATH, CALLER).statusCode() == 200);
    return server;
  }
}
