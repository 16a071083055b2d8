package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * From the outside in, on real stores: two callers with different tokens upload over HTTP, an admin
 * flushes the closed bucket, and both then read byte-identical universes with an ETag.
 */
@RealServers
@TestMethodOrder(
    MethodOrderer.OrderAnnotation.class) // the second test adds to the universe the first asserts
class HttpEndToEndIT {

  static final String SECOND_CALLER = "second-caller-token-00001";
  static ServiceHarness service;
  static final HttpClient HTTP = TestHttp.client();

  @BeforeAll
  static void start(RedisServer redis, MariaDbServer mysql) {
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis, mysql, "--auth.apiTokens=" + TestConfigs.CALLER_TOKEN + "," + SECOND_CALLER),
            MutableClock.at("2026-11-24T10:01:00Z"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  static HttpResponse<byte[]> send(
      String method, String path, String token, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  @Order(1)
  void uploadsBecomeVisibleTogetherAfterTheFlushAndEveryCallerReadsTheSameBytes() throws Exception {
    HttpResponse<byte[]> first =
        send(
            "POST",
            "/api/v1/tickers/buffer",
            TestConfigs.CALLER_TOKEN,
            "{\"tickers\":[\"aapl\",\"VOD.L\"]}");
    HttpResponse<byte[]> second =
        send("POST", "/api/v1/tickers/buffer", SECOND_CALLER, "{\"tickers\":[\"AAPL\",\"VOD.L\"]}");
    assertThat(first.statusCode()).isEqualTo(202);
    // The second caller buffered tickers somebody already had: the answer must be the same.
    assertThat(second.body()).isEqualTo(first.body()).isEqualTo("{\"buffered\":2}".getBytes());

    assertThat(
            new JsonObject(new String(send("GET", "/api/v1/universe", SECOND_CALLER, null).body()))
                .getInteger("count"))
        .as("nothing visible before the bucket closes")
        .isZero();

    service.advance(Duration.ofMinutes(5));
    HttpResponse<byte[]> flush = send("POST", "/api/v1/admin/flush", TestConfigs.ADMIN_TOKEN, null);
    assertThat(flush.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(new String(flush.body())).getLong("inserted")).isEqualTo(2);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        new String(
                            send("GET", "/api/v1/universe", TestConfigs.CALLER_TOKEN, null).body()))
                    .isEqualTo("{\"count\":2,\"tickers\":[\"AAPL\",\"VOD.L\"]}"));

    HttpResponse<byte[]> a = send("GET", "/api/v1/universe", TestConfigs.CALLER_TOKEN, null);
    HttpResponse<byte[]> b = send("GET", "/api/v1/universe", SECOND_CALLER, null);
    HttpResponse<byte[]> admin = send("GET", "/api/v1/universe", TestConfigs.ADMIN_TOKEN, null);
    assertThat(b.body()).isEqualTo(a.body()).isEqualTo(admin.body());
    String etag = a.headers().firstValue("ETag").orElseThrow();
    assertThat(b.headers().firstValue("ETag")).hasValue(etag);

    HttpResponse<byte[]> notModified =
        send("GET", "/api/v1/universe", SECOND_CALLER, null, "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    HttpResponse<byte[]> gzip =
        send("GET", "/api/v1/universe", SECOND_CALLER, null, "Accept-Encoding", "gzip");
    assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(a.body());
    }
  }

  @Test
  @Order(2)
  void refreshAndUpsertOverHttp() throws Exception {
    HttpResponse<byte[]> upsert =
        send(
            "POST", "/api/v1/tickers/upsert", TestConfigs.CALLER_TOKEN, "{\"tickers\":[\"msft\"]}");
    assertThat(upsert.statusCode()).isEqualTo(200);
    assertThat(new String(upsert.body())).isEqualTo("{\"upserted\":1}");
    HttpResponse<byte[]> refresh =
        send(
            "POST",
            "/api/v1/tickers/refresh",
            TestConfigs.CALLER_TOKEN,
            "{\"tickers\":[\"MSFT\",\"NOPE\"]}");
    assertThat(new String(refresh.body())).isEqualTo("{\"updated\":1}");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(
                        new JsonObject(
                                new String(
                                    send("GET", "/api/v1/universe", TestConfigs.CALLER_TOKEN, null)
                                        .body()))
                            .getJsonArray("tickers")
                            .getList())
                    .contains("MSFT"));
    assertThat(
            List.of(
                send("POST", "/api/v1/admin/evict", TestConfigs.CALLER_TOKEN, null).statusCode()))
        .containsExactly(403);
  }
}
