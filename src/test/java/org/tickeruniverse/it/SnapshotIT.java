package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.Node;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.StoreFixture;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;
import org.tickeruniverse.universe.SnapshotState;

/**
 * The universe snapshot on real Redis and MariaDB (docs/PERFORMANCE.md#universe-snapshot,
 * docs/OPERATIONS.md#universe-snapshot): a table of several build pages and several list pages is
 * served whole (plain, gzip, 304) and listed whole over the bus; a snapshot that cannot be built —
 * MySQL away at start, a build time-out — leaves the node up, says why in readiness, answers 503
 * with Retry-After, keeps buffering and flushing, and is built once it can be.
 */
class SnapshotIT extends StoreFixture {

  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");
  static final HttpClient HTTP = TestHttp.client();

  Vertx bare;

  @AfterEach
  void stop() {
    if (mysql.controllable() && !mysql.ping()) {
      mysql.start();
    }
    if (bare != null) {
      bare.close().await();
    }
  }

  /** {@code n} synthetic valid tickers, filled by the server itself (MariaDB's sequence engine). */
  static void fill(int n) {
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at)"
            + " SELECT CONCAT('T', LPAD(seq, 7, '0'), '.L'), '2026-11-24 10:00:00',"
            + " '2026-11-24 10:00:00' FROM seq_1_to_"
            + n);
  }

  static HttpResponse<byte[]> get(String base, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonObject readiness(String base) throws Exception {
    return new JsonObject(new String(get(base, "/health/ready").body()));
  }

  static JsonObject check(JsonObject ready, String id) {
    return ready.getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(c -> id.equals(c.getString("id")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aUniverseOfManyPagesIsServedWholeGzippedPlainAnd304AndListedWholeOnTheBus()
      throws Exception {
    int n = 250_000; // 25 build pages, 3 list pages
    fill(n);
    service =
        ServiceHarness.start(
            TestConfigs.forServers(redis, mysql, "--node.verticles=http,buffer,flush,universe"),
            new MutableClock(T0));
    String base = service.baseUrl();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> get(base, "/api/v1/universe").statusCode() == 200);

    HttpResponse<byte[]> plain = get(base, "/api/v1/universe");
    JsonObject doc = new JsonObject(new String(plain.body()));
    assertThat(doc.getInteger("count")).isEqualTo(n);
    JsonArray tickers = doc.getJsonArray("tickers");
    assertThat(tickers.size()).isEqualTo(n);
    assertThat(tickers.getString(0)).isEqualTo("T0000001.L");
    assertThat(tickers.getString(n - 1)).isEqualTo(String.format("T%07d.L", n));
    String etag = plain.headers().firstValue("ETag").orElseThrow();

    HttpResponse<byte[]> gz = get(base, "/api/v1/universe", "Accept-Encoding", "gzip");
    assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(gz.headers().firstValue("ETag")).contains(etag);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain.body());
    }
    assertThat(get(base, "/api/v1/universe", "If-None-Match", etag).statusCode()).isEqualTo(304);

    List<String> listed =
        UniverseClient.create(service.vertx()).list().timeout(30, TimeUnit.SECONDS).await();
    assertThat(listed).hasSize(n).isSorted();
    assertThat(listed).isEqualTo(tickers.getList());
    JsonObject first = service.request(Addresses.LIST, new JsonObject());
    assertThat(first.getInteger(Messages.COUNT)).isEqualTo(n);
    assertThat(first.getJsonArray(Messages.TICKERS).size()).isEqualTo(Messages.LIST_PAGE_MAX);
    assertThat(first.getString(Messages.NEXT)).isEqualTo(String.format("T%07d.L", 100_000));

    // A flush that adds one ticker rebuilds the snapshot: a new ETag, n + 1 tickers.
    service.request(Addresses.BUFFER, Messages.tickersRequest(List.of("AAPL")));
    service.clock().set(Instant.parse("2026-11-24T10:05:06Z"));
    assertThat(service.request(Addresses.FLUSH, new JsonObject()).getLong("inserted")).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              HttpResponse<byte[]> after = get(base, "/api/v1/universe");
              assertThat(after.headers().firstValue("ETag"))
                  .isNotEqualTo(java.util.Optional.of(etag));
              JsonObject now = new JsonObject(new String(after.body()));
              assertThat(now.getInteger("count")).isEqualTo(n + 1);
              assertThat(now.getJsonArray("tickers").getString(0)).isEqualTo("AAPL");
            });
  }

  @Test
  void mysqlAwayAtStartLeavesTheNodeUpAnsweringWhyAndTheSnapshotIsBuiltWhenItReturns()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(mysql.controllable(), "needs a server to stop");
    fill(1_000);
    ServiceConfig config =
        TestConfigs.forServers(
            redis,
            mysql,
            "--node.verticles=http,buffer,flush,universe",
            "--mysql.queryTimeoutMillis=2000");
    mysql.stop();
    bare = Vertx.vertx();
    new Node(bare, config, new MutableClock(T0)).deploy().timeout(60, TimeUnit.SECONDS).await();
    String base = "http://127.0.0.1:" + config.http().port();

    awaitSnapshotDown(base, SnapshotState.STORE_UNAVAILABLE);
    HttpResponse<byte[]> unavailable = get(base, "/api/v1/universe");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
    JsonObject error = new JsonObject(new String(unavailable.body())).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("universe_unavailable");
    assertThat(error.getString("message")).contains(SnapshotState.STORE_UNAVAILABLE);
    // Buffering goes on (Redis is there).
    HttpResponse<String> buffered =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/tickers/buffer"))
                .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"MSFT\"]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(buffered.statusCode()).isEqualTo(202);

    mysql.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get(base, "/api/v1/universe").statusCode() == 200);
    assertThat(new JsonObject(new String(get(base, "/api/v1/universe").body())).getInteger("count"))
        .isEqualTo(1_000);
    assertThat(check(readiness(base), "snapshot").getString("status")).isEqualTo("UP");
  }

  /** Readiness reports the snapshot DOWN for {@code reason} within 30 s. */
  private static void awaitSnapshotDown(String base, String reason) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonObject snapshot = check(readiness(base), "snapshot");
              assertThat(snapshot.getString("status")).isEqualTo("DOWN");
              assertThat(snapshot.getJsonObject("data").getString("reason")).isEqualTo(reason);
            });
  }

  @Test
  void aBuildThatTimesOutLeavesTheNodeUpAndFlushing() throws Exception {
    fill(100_000);
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=http,buffer,flush,universe",
                "--universe.buildTimeoutMillis=1"),
            new MutableClock(T0));
    String base = service.baseUrl();
    awaitSnapshotDown(base, SnapshotState.TIMED_OUT);
    HttpResponse<byte[]> unavailable = get(base, "/api/v1/universe");
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.headers().firstValue("Retry-After").map(Integer::parseInt))
        .hasValueSatisfying(s -> assertThat(s).isBetween(1, 60));
    // The flush goes on: the table grows although no snapshot can be built.
    service.request(Addresses.BUFFER, Messages.tickersRequest(List.of("AAPL")));
    service.clock().set(Instant.parse("2026-11-24T10:05:06Z"));
    assertThat(service.request(Addresses.FLUSH, new JsonObject()).getLong("inserted")).isEqualTo(1);
    assertThat(mysql.query("SELECT COUNT(*) FROM " + TABLE)).containsExactly(List.of("100001"));
  }
}
