package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.StoreFixture;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * The service as shipped is private (docs/PRIVACY.md#profiles): with nothing configured but the
 * stores and tokens, a lone caller's rare ticker is held, the synchronous upsert is refused and the
 * common tickers are in the universe before anyone uploads them; the {@code off} profile keeps the
 * original module's behaviour (every closed bucket published at its end, upsert open).
 */
class PrivacyDefaultsIT extends StoreFixture {

  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");
  static final HttpClient HTTP = TestHttp.client();

  ServiceHarness start(String profile) {
    return ServiceHarness.start(
        TestConfigs.forServers(redis, mysql, "--privacy.profile=" + profile), new MutableClock(T0));
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  List<Object> universe() {
    return service
        .request(Addresses.LIST, new JsonObject())
        .getJsonArray(Messages.TICKERS)
        .getList();
  }

  List<List<String>> row(String ticker) {
    return mysql.query(
        "SELECT first_seen_at, last_referenced_at FROM "
            + TABLE
            + " WHERE yahoo_ticker = '"
            + ticker
            + "'");
  }

  @Test
  void asShippedALoneUploadIsHeldUpsertIsRefusedAndCommonTickersAreAlreadyThere() throws Exception {
    service = start("standard");
    // The bundled list is seeded at start-up: uploading AAPL reveals nothing new.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(universe()).contains("AAPL", "VOD.L", "^GSPC", "EURUSD=X", "BTC-USD"));
    int seeded = universe().size();
    assertThat(seeded).isGreaterThan(800);

    assertThat(post("/api/v1/tickers/buffer", "{\"tickers\":[\"ZZRARE.L\",\"AAPL\"]}").statusCode())
        .isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    JsonObject flush = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(flush.getLong("held")).as("one contributor < k = 3").isEqualTo(1);
    assertThat(flush.getLong("buckets")).isZero();
    assertThat(row("ZZRARE.L")).isEmpty();
    assertThat(universe()).doesNotContain("ZZRARE.L").hasSize(seeded);
    assertThat(service.members(service.bucketKey(T0))).contains("ZZRARE.L");

    HttpResponse<String> upsert = post("/api/v1/tickers/upsert", "{\"tickers\":[\"ZZUPS.L\"]}");
    assertThat(upsert.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(upsert.body()).getJsonObject("error").getString("code"))
        .isEqualTo("upsert_disabled");
    assertThat(row("ZZUPS.L")).as("nothing written").isEmpty();
  }

  @Test
  void offPublishesEveryClosedBucketAtItsEndAndKeepsUpsertOpen() throws Exception {
    service = start("off");
    assertThat(post("/api/v1/tickers/buffer", "{\"tickers\":[\"ZZRARE.L\"]}").statusCode())
        .isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    JsonObject flush = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(flush.getLong("held")).isZero();
    assertThat(flush.getLong("inserted")).isEqualTo(1);
    // Stamped with the end of its bucket, as the original flush stamped its run.
    assertThat(row("ZZRARE.L"))
        .containsExactly(List.of("2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"));
    // The snapshot is rebuilt after the flushed event, a moment after the flush answered.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(universe()).as("no seed list under off").containsExactly("ZZRARE.L"));

    HttpResponse<String> upsert = post("/api/v1/tickers/upsert", "{\"tickers\":[\"ZZUPS.L\"]}");
    assertThat(upsert.statusCode()).isEqualTo(200);
    assertThat(row("ZZUPS.L")).hasSize(1);
  }
}
