package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.http.TestServer.CALLER;

import io.vertx.core.Vertx;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tickeruniverse.testsupport.SharedVertx;
import org.tickeruniverse.universe.UniverseDocument;

/**
 * A default {@code java.net.http.HttpClient} (no version pinned) gets every answer, however large.
 *
 * <p>Such a client asks for an h2c upgrade on its first request to a host. Vert.x 5.0.7 sometimes
 * never sends an answer larger than one HTTP/2 frame (16 KB) on the upgraded stream, and the client
 * then waits for the server's idle time-out (docs/DESIGN.md#http2). Each attempt uses a fresh
 * client, so each is a first request, and waits a bounded time for its answer; before the fix about
 * one attempt in six stalled.
 */
class DefaultJavaClientTest {

  static final String PATH = "/api/v1/universe";

  /** Attempts per answer: at the stall rate measured before the fix (~15 %) 60 pass by ~1e-4. */
  static final int ATTEMPTS = 60;

  @RegisterExtension static final SharedVertx VERTX = new SharedVertx();
  static final Vertx vertx = VERTX.vertx();

  @Test
  void aLargeUniverseReachesADefaultJavaClientEveryTimePlainAndGzipped() {
    // Tickers that do not repeat a pattern, so the gzipped answer passes 16 KB too.
    List<String> tickers = new ArrayList<>();
    java.util.Random random = new java.util.Random(42);
    while (tickers.size() < 12_000) {
      StringBuilder t = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        t.append((char) ('A' + random.nextInt(26)));
      }
      tickers.add(t.toString());
    }
    tickers = tickers.stream().distinct().sorted().toList();
    UniverseDocument expected = UniverseDocument.of(tickers);
    assertThat(expected.json().length()).isGreaterThan(64 * 1024);
    assertThat(expected.gzip().length()).isGreaterThan(16 * 1024);

    try (TestServer server = TestServer.start(vertx, Map.of(), tickers)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.get(PATH, CALLER).statusCode() == 200);

      int plain = stalls(request(server).build(), expected.json().getBytes());
      int gzipped =
          stalls(
              request(server).header("Accept-Encoding", "gzip").build(),
              expected.gzip().getBytes());
      assertThat(List.of(plain, gzipped))
          .as("answers (plain, gzipped) that did not arrive of %d each", ATTEMPTS)
          .containsExactly(0, 0);
    }
  }

  private static HttpRequest.Builder request(TestServer server) {
    return HttpRequest.newBuilder(server.uri(PATH))
        .header("Authorization", "Bearer " + CALLER)
        .timeout(Duration.ofSeconds(3));
  }

  /** Attempts whose answer did not arrive whole within the bound; one fresh client each. */
  private static int stalls(HttpRequest request, byte[] body) {
    int stalled = 0;
    for (int i = 0; i < ATTEMPTS; i++) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      CompletableFuture<HttpResponse<byte[]>> answer =
          client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
      try {
        // The request's own 3 s time-out should end it; the stall ignored it, hence get(4 s).
        HttpResponse<byte[]> r = answer.get(4, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo(body);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        answer.cancel(true);
        stalled++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return stalled;
  }
}
