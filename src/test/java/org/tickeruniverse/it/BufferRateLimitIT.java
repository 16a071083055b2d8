package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * The per-token buffer rate over HTTP on real stores: a token past its burst gets 429 with {@code
 * Retry-After}, its refused upload is nowhere in Redis, another token is not slowed, and the meter
 * counts the refusal. Real time here (the limiter's own test moves an injected clock): the rate is
 * one request per second, so the refusal comes within the first few back-to-back requests however
 * slow the machine.
 */
@RealServers
class BufferRateLimitIT {

  static final String OTHER_CALLER = "second-caller-token-00001";
  static ServiceHarness service;
  static RedisServer redis;
  static final HttpClient HTTP = TestHttp.client();

  @BeforeAll
  static void start(RedisServer redisServer, MariaDbServer mysql) {
    redis = redisServer;
    redis.flushAll();
    service =
        ServiceHarness.startLikeMain(
            TestConfigs.forServers(
                redis,
                mysql,
                "--auth.apiTokens=" + TestConfigs.CALLER_TOKEN + "," + OTHER_CALLER,
                "--buffer.ratePerToken=1",
                "--buffer.rateBurst=2"),
            MutableClock.at("2026-11-24T10:01:00Z"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  static HttpResponse<String> buffer(String token, String ticker) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/tickers/buffer"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"" + ticker + "\"]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** /metrics as Prometheus scrapes the API port: with an admin token. */
  static String scrape() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/metrics"))
                .header("Authorization", "Bearer " + TestConfigs.ADMIN_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  static double meter(String name) throws Exception {
    return scrape()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void aTokenPastItsBurstGets429WithRetryAfterAndItsUploadIsNotWritten() throws Exception {
    String key = service.bucketKey(service.clock().instant());
    assertThat(meter("tu_buffer_rate_limited_total")).as("exists from start-up at 0").isZero();

    List<String> accepted = new ArrayList<>();
    HttpResponse<String> refused = null;
    String refusedTicker = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      String ticker = "RL" + i;
      HttpResponse<String> r = buffer(TestConfigs.CALLER_TOKEN, ticker);
      if (r.statusCode() == 202) {
        accepted.add(ticker);
      } else {
        refused = r;
        refusedTicker = ticker;
      }
    }
    assertThat(refused).as("a refusal within 20 back-to-back requests at 1/s").isNotNull();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(accepted.size()).as("at least the burst went through").isGreaterThanOrEqualTo(2);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("rate_limited");
    int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isEqualTo(1); // one request per second: the next token within 1 s
    assertThat(error.getInteger("retryAfterSeconds")).isEqualTo(retryAfter);

    assertThat(service.members(key))
        .as("every accepted upload written, the refused one not")
        .containsAll(accepted)
        .doesNotContain(refusedTicker);
    assertThat(meter("tu_buffer_rate_limited_total")).isGreaterThanOrEqualTo(1);
    assertThat(scrape()).as("no token in any meter").doesNotContain(TestConfigs.CALLER_TOKEN);

    assertThat(buffer(OTHER_CALLER, "RLOTHER").statusCode())
        .as("another token has a bucket of its own")
        .isEqualTo(202);
  }
}
