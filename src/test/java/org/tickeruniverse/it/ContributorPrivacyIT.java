package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.privacy.ContributorKey;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * docs/DESIGN.md#privacy-rules for contributors (the pattern of http/LogPrivacyTest, on a node
 * built as Main builds it): many tokens and proxied contributors upload, buckets are held and
 * published; no log line, no metric (name, label or value line) and no event carries a token, a
 * contributor, or the digest the edge sends of either — and the meters of the pool are there. (The
 * 16-bit daily elements are too short to search for; ContributorStorageIT reads what Redis writes.)
 */
@RealServers
class ContributorPrivacyIT {

  static final String SECRET = "privacy-test-secret-0123456789";
  static final String CALLER = "plain-caller-token-Vb6Nc1Xz";

  @Test
  void noContributorTokenOrHashInAnyLogMetricOrEvent(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    redis.flushAll();
    List<String> tokens =
        IntStream.range(0, 6).mapToObj(i -> "contrib-token-" + i + "-Qw7Rt2Yp9Zx4").toList();
    List<String> proxied =
        IntStream.range(0, 6).mapToObj(i -> "proxied-user-" + i + "-Jk3Lm8").toList();
    List<String> secrets = new ArrayList<>(tokens);
    secrets.addAll(proxied);
    secrets.add(SECRET);
    secrets.add(CALLER);
    secrets.add("forged-user-Hq2");
    secrets.add(ContributorKey.callerDigest(CALLER, null));
    secrets.add(ContributorKey.callerDigest(CALLER, "forged-user-Hq2"));
    for (String t : tokens) {
      secrets.add(ContributorKey.callerDigest(t, null));
      for (String p : proxied) {
        secrets.add(ContributorKey.callerDigest(t, p));
      }
    }
    // Hash prefixes too: a log that shortened a hash would still link uploads.
    List<String> needles = new ArrayList<>(secrets);
    secrets.stream()
        .filter(s -> s.length() > 20)
        .forEach(s -> needles.add(s.substring(s.startsWith("d:") ? 2 : 0, 14)));

    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    List<String> events = new CopyOnWriteArrayList<>();
    MutableClock clock = MutableClock.at("2026-11-24T10:01:00Z");
    String metrics;
    try (ServiceHarness service =
        ServiceHarness.startLikeMain(
            TestConfigs.forServers(
                redis,
                mysql,
                "--auth.apiTokens=" + CALLER,
                "--auth.proxyTokens=" + String.join(",", tokens),
                "--privacy.secret=" + SECRET,
                "--privacy.minContributors=3",
                "--privacy.minContributorsAfterHold=2",
                "--privacy.maxHoldSeconds=600"),
            clock)) {
      for (String address :
          List.of(
              Addresses.EVENT_FLUSHED,
              Addresses.EVENT_EVICTED,
              Addresses.EVENT_UPSERTED,
              Addresses.EVENT_UNIVERSE_CHANGED)) {
        service
            .vertx()
            .eventBus()
            .<JsonObject>consumer(address, m -> events.add(address + " " + m.body().encode()))
            .completion()
            .timeout(10, TimeUnit.SECONDS)
            .await();
      }
      HttpClient http = TestHttp.client();
      // Bucket 10:00: two tokens, below k → held.
      for (int i = 0; i < 2; i++) {
        assertThat(post(http, service, tokens.get(i), "{\"tickers\":[\"PRV" + i + "\"]}"))
            .isEqualTo(202);
      }
      clock.set(java.time.Instant.parse("2026-11-24T10:05:05Z"));
      assertThat(post(http, service, TestConfigs.ADMIN_TOKEN, null))
          .isEqualTo(200); // the admin flush route holds too
      assertThat(service.request(Addresses.FLUSH, new JsonObject()).getLong("held")).isEqualTo(1);
      // Bucket 10:05: proxied users of every token, and a bad contributor → published.
      for (String t : tokens) {
        for (String p : proxied) {
          assertThat(
                  post(http, service, t, "{\"tickers\":[\"PRX\"],\"contributor\":\"" + p + "\"}"))
              .isEqualTo(202);
        }
        assertThat(
                post(http, service, t, "{\"tickers\":[\"PRX\"],\"contributor\":\"" + t + "\t\"}"))
            .isEqualTo(400);
      }
      // A caller token may not name anyone: refused, and the name is in no answer or line.
      assertThat(
              post(
                  http,
                  service,
                  CALLER,
                  "{\"tickers\":[\"PRX\"],\"contributor\":\"forged-user-Hq2\"}"))
          .isEqualTo(403);
      clock.set(java.time.Instant.parse("2026-11-24T10:10:05Z"));
      JsonObject published = service.request(Addresses.FLUSH, new JsonObject());
      assertThat(published.getLong("contributors")).isGreaterThanOrEqualTo(36);
      // A lone upload released after the hold, below k.
      assertThat(
              post(
                  http, service, tokens.get(5), "{\"tickers\":[\"LONE\"],\"contributor\":\"x-1\"}"))
          .isEqualTo(202);
      assertThat(
              post(
                  http, service, tokens.get(4), "{\"tickers\":[\"LONE\"],\"contributor\":\"x-2\"}"))
          .isEqualTo(202);
      clock.set(java.time.Instant.parse("2026-11-24T10:25:05Z"));
      assertThat(service.request(Addresses.FLUSH, new JsonObject()).getLong("contributors"))
          .isEqualTo(2);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events)
                      .filteredOn(e -> e.startsWith(Addresses.EVENT_FLUSHED))
                      .hasSize(2));
      metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(service.baseUrl() + "/metrics"))
                      .header("Authorization", "Bearer " + TestConfigs.ADMIN_TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } finally {
      root.detachAppender(appender);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : appender.list) {
      lines.add(
          e.getLoggerName()
              + " "
              + e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("publication rule:").contains("k=3"));
    assertThat(lines)
        .as("k > 1 with the synchronous upsert on is warned about")
        .anySatisfy(l -> assertThat(l).contains("TU_UPSERT_ENABLED=true"));
    for (String needle : needles) {
      assertThat(lines).as("log").noneSatisfy(l -> assertThat(l).contains(needle));
      assertThat(events).as("events").noneSatisfy(l -> assertThat(l).contains(needle));
      assertThat(metrics).as("metrics").doesNotContain(needle);
    }
    assertThat(String.join("\n", events))
        .doesNotContain("PRV")
        .doesNotContain("PRX")
        .doesNotContain("LONE");
    assertThat(metrics)
        .contains("tu_privacy_publications_total 2.0")
        .contains("tu_privacy_published_below_threshold_total 1.0")
        .contains("tu_privacy_publication_contributors_bucket{le=\"3.0\"}")
        .contains("tu_privacy_held_buckets 0.0")
        .contains("tu_privacy_oldest_held_seconds")
        .contains("tu_privacy_max_hold_seconds 600.0");
  }

  private static int post(HttpClient http, ServiceHarness service, String token, String body)
      throws Exception {
    String path = body == null ? "/api/v1/admin/flush" : "/api/v1/tickers/buffer";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
