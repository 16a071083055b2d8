package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@code privacy.stampPrecision} on real Redis and MariaDB, with a clock the test moves
 * (docs/DESIGN.md#time-stamps-are-quantised-to-buckets): under {@code day} every reference of a UTC
 * day writes one {@code last_referenced_at}, so rare tickers sharing a stamp no longer single out
 * one caller; under {@code exact} the stamps are the original's.
 */
class StampPrecisionIT extends StoreFixture {

  static final String TOKEN_A = "stamp-caller-token-aaaa-0001";
  static final String TOKEN_B = "stamp-caller-token-bbbb-0002";
  static final HttpClient HTTP = TestHttp.client();

  /** Inside the bucket [10:00, 10:05). */
  static final Instant MORNING = Instant.parse("2026-11-24T10:01:00Z");

  /** The same UTC day, inside the bucket [14:35, 14:40). */
  static final Instant AFTERNOON = Instant.parse("2026-11-24T14:37:00Z");

  ServiceHarness start(String precision) {
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=buffer,flush,universe,http",
                "--auth.apiTokens=" + TOKEN_A + "," + TOKEN_B,
                "--privacy.stampPrecision=" + precision),
            new MutableClock(MORNING));
    return service;
  }

  /** POST /api/v1/tickers/refresh as {@code token}; the number of rows matched. */
  int refresh(String token, String... tickers) throws Exception {
    String body = new JsonObject().put("tickers", List.of(tickers)).encode();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/tickers/refresh"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body()).getInteger(Messages.UPDATED);
  }

  List<List<String>> rows() {
    return mysql.query(
        "SELECT yahoo_ticker, first_seen_at, last_referenced_at FROM "
            + TABLE
            + " ORDER BY yahoo_ticker");
  }

  void insertKnown() {
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
            + "('RARE.TO', '2026-11-01', '2026-11-20'), ('XYZ.V', '2026-11-01', '2026-11-20')");
  }

  @Test
  void underDayTwoCallersRefreshingInDifferentBucketsOfOneDayLeaveOneValue() throws Exception {
    start("day");
    insertKnown();

    assertThat(refresh(TOKEN_A, "RARE.TO", "XYZ.V")).isEqualTo(2);
    List<List<String>> afterA = rows();
    service.clock().set(AFTERNOON);
    assertThat(refresh(TOKEN_B, "RARE.TO", "XYZ.V")).isEqualTo(2);

    assertThat(rows())
        .as("B's refresh hours later left exactly what A's left")
        .isEqualTo(afterA)
        .containsExactly(
            List.of("RARE.TO", "2026-11-01 00:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("XYZ.V", "2026-11-01 00:00:00.000000", "2026-11-24 00:00:00.000000"));

    // The next UTC day is the next value: the reference still moves forward.
    service.clock().set(Instant.parse("2026-11-25T00:01:00Z"));
    assertThat(refresh(TOKEN_A, "RARE.TO")).isEqualTo(1);
    assertThat(rows().get(0))
        .containsExactly("RARE.TO", "2026-11-01 00:00:00.000000", "2026-11-25 00:00:00.000000");
  }

  @Test
  void underExactEachRefreshWritesItsBucketStartAsTheOriginalDid() throws Exception {
    start("exact");
    insertKnown();

    refresh(TOKEN_A, "RARE.TO", "XYZ.V");
    assertThat(rows()).extracting(r -> r.get(2)).containsOnly("2026-11-24 10:00:00.000000");
    service.clock().set(AFTERNOON);
    refresh(TOKEN_B, "RARE.TO", "XYZ.V");

    assertThat(rows())
        .extracting(r -> r.get(2))
        .as("each caller's bucket, distinguishable")
        .containsOnly("2026-11-24 14:35:00.000000");
  }

  @Test
  void underDayTheFlushKeepsTheExactFirstSeenAndReferencesTheDay() {
    start("day");
    insertKnown(); // RARE.TO last referenced 2026-11-20

    service.request(Addresses.BUFFER, Messages.tickersRequest(List.of("RARE.TO", "NEW.L", "NVDA")));
    service.clock().set(Instant.parse("2026-11-24T10:05:05Z"));
    JsonObject first = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(first.getLong("inserted")).isEqualTo(2);
    assertThat(first.getLong("bumped")).isEqualTo(1);
    assertThat(rows())
        .containsExactly(
            List.of("NEW.L", "2026-11-24 10:05:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("NVDA", "2026-11-24 10:05:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("RARE.TO", "2026-11-01 00:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("XYZ.V", "2026-11-01 00:00:00.000000", "2026-11-20 00:00:00.000000"));

    // A later publication the same day: new rows first seen at its own stamp, bumps the same day.
    service.clock().set(AFTERNOON);
    service.request(Addresses.BUFFER, Messages.tickersRequest(List.of("NVDA", "XYZ.V", "ZZ.AX")));
    service.clock().set(Instant.parse("2026-11-24T14:40:05Z"));
    JsonObject second = service.request(Addresses.FLUSH, new JsonObject());
    assertThat(second.getLong("inserted")).isEqualTo(1);
    assertThat(second.getLong("bumped")).isEqualTo(2);
    assertThat(rows())
        .containsExactly(
            List.of("NEW.L", "2026-11-24 10:05:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("NVDA", "2026-11-24 10:05:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("RARE.TO", "2026-11-01 00:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("XYZ.V", "2026-11-01 00:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("ZZ.AX", "2026-11-24 14:40:00.000000", "2026-11-24 00:00:00.000000"));
  }
}
