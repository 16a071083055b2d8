package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code universe.maxTickers} on real Redis and MariaDB (docs/OPERATIONS.md#universe-at-capacity):
 * a publication that would pass the bound inserts new tickers only up to it, still bumps existing
 * rows, keeps the refused ones in their bucket, reports them ({@code refusedCapacity}) and meters
 * them; once room is made, a later run publishes them.
 */
class UniverseCapacityIT extends StoreFixture {

  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  static final HttpClient HTTP = TestHttp.client();

  List<List<String>> rows() {
    return mysql.query(
        "SELECT yahoo_ticker, last_referenced_at FROM " + TABLE + " ORDER BY yahoo_ticker");
  }

  String metrics() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TestConfigs.ADMIN_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void aFullUniverseBumpsExistingRowsAndKeepsNewTickersBufferedUntilThereIsRoom() throws Exception {
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES"
            + " ('AAA', '2026-11-20 00:00:00', '2026-11-20 00:00:00'),"
            + " ('BBB', '2026-11-20 00:00:00', '2026-11-20 00:00:00'),"
            + " ('CCC', '2026-11-20 00:00:00', '2026-11-20 00:00:00')");
    service =
        ServiceHarness.startLikeMain(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=http,buffer,flush,universe",
                "--universe.maxTickers=5",
                "--flush.chunkSize=2"),
            new MutableClock(T0));
    assertThat(metrics())
        .contains("tu_universe_capacity_refusals_total 0.0")
        .contains("tu_universe_tickers ");

    service.request(
        Addresses.BUFFER, Messages.tickersRequest(List.of("BBB", "DDD", "EEE", "FFF", "GGG")));
    String bucket = service.bucketKey(T0);
    service.clock().set(Instant.parse("2026-11-24T10:05:06Z"));
    JsonObject counts = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(counts.getLong("inserted")).isEqualTo(2);
    assertThat(counts.getLong("bumped")).isEqualTo(1);
    assertThat(counts.getLong("refusedCapacity")).isEqualTo(2);
    String stamp = "2026-11-24 10:05:00.000000";
    String old = "2026-11-20 00:00:00.000000";
    List<List<String>> rows = rows();
    // Which two new tickers fit depends on the order SSCAN returns them in; two did, each once.
    assertThat(rows).hasSize(5);
    assertThat(rows).contains(List.of("AAA", old), List.of("BBB", stamp), List.of("CCC", old));
    List<String> admitted =
        rows.stream()
            .map(r -> r.get(0))
            .filter(t -> !List.of("AAA", "BBB", "CCC").contains(t))
            .toList();
    assertThat(admitted).hasSize(2);
    assertThat(rows).contains(List.of(admitted.get(0), stamp), List.of(admitted.get(1), stamp));
    List<String> refused =
        List.of("DDD", "EEE", "FFF", "GGG").stream().filter(t -> !admitted.contains(t)).toList();
    // The refused tickers stay in their bucket, nothing else does.
    assertThat(service.members(bucket)).containsExactlyInAnyOrderElementsOf(refused);
    assertThat(metrics()).contains("tu_universe_capacity_refusals_total 2.0");

    // A run while still full refuses them again and keeps them again.
    assertThat(service.request(Addresses.FLUSH, new JsonObject()).getLong("refusedCapacity"))
        .isEqualTo(2);
    assertThat(service.members(bucket)).containsExactlyInAnyOrderElementsOf(refused);

    // Room made (as eviction would): the next run publishes them and empties the bucket.
    mysql.execute("DELETE FROM " + TABLE + " WHERE yahoo_ticker IN ('AAA', 'CCC')");
    JsonObject after = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(after.getLong("inserted")).isEqualTo(2);
    assertThat(after.getLong("refusedCapacity")).isZero();
    assertThat(rows()).extracting(r -> r.get(0)).containsExactly("BBB", "DDD", "EEE", "FFF", "GGG");
    assertThat(service.members(bucket)).isEmpty();
  }
}
