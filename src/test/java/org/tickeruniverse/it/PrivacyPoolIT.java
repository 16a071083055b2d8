package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.flush.FlushVerticle;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.StoreFixture;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * The publication pool (docs/DESIGN.md#anonymity-the-publication-pool) on real Redis and MariaDB,
 * with a clock the test moves: closed buckets are published only once they hold k distinct
 * contributors, all with one stamp, or after the maximum hold; held buckets keep their keys.
 */
class PrivacyPoolIT extends StoreFixture {

  /** 10:01 lies inside the bucket [10:00, 10:05). */
  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  static final String TOKEN_A = "pool-caller-token-aaaa-0001";
  static final String TOKEN_B = "pool-caller-token-bbbb-0002";
  static final String TOKEN_C = "pool-caller-token-cccc-0003";
  static final String PROXY = "pool-proxy-token-pppp-0004";
  static final HttpClient HTTP = TestHttp.client();

  final List<JsonObject> flushed = new CopyOnWriteArrayList<>();

  /** A node running everything but eviction, k = 3 unless overridden. */
  ServiceHarness start(String... overrides) {
    return start(redis, new MutableClock(T0), overrides);
  }

  ServiceHarness start(RedisServer redisServer, MutableClock clock, String... overrides) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--node.verticles=buffer,flush,universe,http",
                "--auth.apiTokens=" + String.join(",", TOKEN_A, TOKEN_B, TOKEN_C),
                "--auth.proxyTokens=" + PROXY,
                "--privacy.minContributors=3",
                // the stamps of the privacy profiles (the seed list stays off: the universe here
                // holds exactly what the pool published)
                "--privacy.stampPrecision=day",
                "--privacy.secret=pool-test-secret-0123456789"));
    args.addAll(List.of(overrides));
    ServiceHarness started =
        ServiceHarness.start(
            TestConfigs.forServers(redisServer, mysql, args.toArray(String[]::new)), clock);
    started
        .vertx()
        .eventBus()
        .<JsonObject>consumer(Addresses.EVENT_FLUSHED, m -> flushed.add(m.body()))
        .completion()
        .timeout(10, TimeUnit.SECONDS)
        .await();
    return started;
  }

  JsonObject buffer(String contributor, String... tickers) {
    return service.request(Addresses.BUFFER, Messages.bufferRequest(List.of(tickers), contributor));
  }

  int bufferOverHttp(String token, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/tickers/buffer"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  JsonObject flush() {
    return service.request(Addresses.FLUSH, new JsonObject());
  }

  List<List<String>> rows() {
    return mysql.query(
        "SELECT yahoo_ticker, first_seen_at, last_referenced_at FROM "
            + TABLE
            + " ORDER BY yahoo_ticker");
  }

  List<Object> universe() {
    return service
        .request(Addresses.LIST, new JsonObject())
        .getJsonArray(Messages.TICKERS)
        .getList();
  }

  long ttl(String key) {
    return service.redis().ttl(key).timeout(5, TimeUnit.SECONDS).await().toLong();
  }

  String contributorsKey(Instant at) {
    return service.bucketKey(at).replace(":buffer:", ":contributors:");
  }

  /**
   * A published row: first seen at the publication's stamp, last referenced on its UTC day (the
   * default stamp precision, docs/DESIGN.md#time-stamps-are-quantised-to-buckets).
   */
  static List<String> row(String ticker, String stamp) {
    return List.of(ticker, stamp, stamp.substring(0, 10) + " 00:00:00.000000");
  }

  @Test
  void twoContributorsBelowKAreHeldThenAThirdInALaterBucketReleasesThePoolWithOneStamp() {
    service = start();
    buffer("alice", "AAPL");
    buffer("bob", "MSFT");
    service.clock().set(Instant.parse("2026-11-24T10:05:05Z"));
    JsonObject held = flush();
    assertThat(held.getLong("buckets")).isZero();
    assertThat(held.getLong("held")).isEqualTo(1);
    assertThat(held.getLong("contributors")).isZero();
    assertThat(rows()).isEmpty();
    assertThat(universe()).isEmpty();
    assertThat(flushed).isEmpty();
    String bucket = service.bucketKey(T0);
    assertThat(service.members(bucket)).containsExactly("AAPL", "MSFT");
    assertThat(ttl(bucket)).isPositive();
    assertThat(ttl(contributorsKey(T0))).isPositive();

    // A held bucket's keys get their TTL back on every run, so it outlives the buffer's TTL.
    service.redis().expire(List.of(bucket, "30")).timeout(5, TimeUnit.SECONDS).await();
    service.redis().expire(List.of(contributorsKey(T0), "30")).timeout(5, TimeUnit.SECONDS).await();
    assertThat(flush().getLong("held")).isEqualTo(1);
    assertThat(ttl(bucket)).isGreaterThan(7000);
    assertThat(ttl(contributorsKey(T0))).isGreaterThan(7000);

    service.clock().set(Instant.parse("2026-11-24T10:06:00Z"));
    buffer("carol", "VOD.L", "AAPL");
    service.clock().set(Instant.parse("2026-11-24T10:10:05Z"));
    JsonObject published = flush();
    assertThat(published.getLong("buckets")).isEqualTo(2);
    assertThat(published.getLong("held")).isZero();
    assertThat(published.getLong("contributors")).isEqualTo(3);
    assertThat(published.getLong("inserted")).isEqualTo(3);
    // One stamp for the whole pool: the end of its newest bucket, 10:10.
    String stamp = "2026-11-24 10:10:00.000000";
    assertThat(rows()).containsExactly(row("AAPL", stamp), row("MSFT", stamp), row("VOD.L", stamp));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(flushed).hasSize(1));
    assertThat(flushed.get(0).getLong("contributors")).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(universe()).containsExactly("AAPL", "MSFT", "VOD.L"));
    assertThat(service.redis().keys("*").timeout(5, TimeUnit.SECONDS).await())
        .as("buckets and HLLs gone")
        .allSatisfy(k -> assertThat(k.toString()).contains(":lease:"));
  }

  @Test
  void oneTokenUploadingFiftyTimesCountsOnce() throws Exception {
    service = start();
    for (int i = 0; i < 50; i++) {
      assertThat(bufferOverHttp(TOKEN_A, "{\"tickers\":[\"FLOOD" + i + "\"]}")).isEqualTo(202);
    }
    assertThat(bufferOverHttp(TOKEN_B, "{\"tickers\":[\"MSFT\"]}")).isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    JsonObject held = flush();
    assertThat(held.getLong("held"))
        .as("two tokens are two contributors, fifty uploads of one are one")
        .isEqualTo(1);
    assertThat(rows()).isEmpty();
    assertThat(bufferOverHttp(TOKEN_C, "{\"tickers\":[\"SAP.DE\"]}")).isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    JsonObject published = flush();
    assertThat(published.getLong("contributors")).isEqualTo(3);
    assertThat(rows()).hasSize(52);
  }

  @Test
  void theContributorFieldCountsDistinctProxiedUsersOfOneProxyToken() throws Exception {
    service = start();
    assertThat(bufferOverHttp(PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-1\"}"))
        .isEqualTo(202);
    assertThat(bufferOverHttp(PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-2\"}"))
        .isEqualTo(202);
    assertThat(bufferOverHttp(PROXY, "{\"tickers\":[\"MSFT\"],\"contributor\":\"user-2\"}"))
        .isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    assertThat(flush().getLong("held")).isEqualTo(1);
    assertThat(bufferOverHttp(PROXY, "{\"tickers\":[\"IBM\"],\"contributor\":\"user-3\"}"))
        .isEqualTo(202);
    service.advance(Duration.ofMinutes(5));
    JsonObject published = flush();
    assertThat(published.getLong("contributors")).isEqualTo(3);
    assertThat(published.getLong("buckets")).isEqualTo(2);
  }

  @Test
  void messagesWithoutAContributorCountAsOneSharedUnknownContributor() {
    service = start();
    for (int i = 0; i < 5; i++) {
      service.request(Addresses.BUFFER, Messages.tickersRequest(List.of("ANON" + i)));
    }
    buffer("alice", "AAPL");
    service.advance(Duration.ofMinutes(5));
    assertThat(flush().getLong("held")).as("unknown + alice = 2 < 3").isEqualTo(1);
  }

  @Test
  void afterTheMaximumHoldTheAfterHoldThresholdDecides() {
    service = start("--privacy.minContributorsAfterHold=2", "--privacy.maxHoldSeconds=600");
    buffer("alice", "AAPL");
    service.clock().set(Instant.parse("2026-11-24T10:15:05Z")); // bucket 10:00 held 605 s
    JsonObject stillHeld = flush();
    assertThat(stillHeld.getLong("held")).as("1 contributor < after-hold 2").isEqualTo(1);
    assertThat(rows()).isEmpty();
    service.clock().set(Instant.parse("2026-11-24T10:16:00Z"));
    buffer("bob", "MSFT");
    service.clock().set(Instant.parse("2026-11-24T10:20:05Z"));
    JsonObject released = flush();
    assertThat(released.getLong("buckets")).isEqualTo(2);
    assertThat(released.getLong("contributors")).isEqualTo(2);
    String stamp = "2026-11-24 10:20:00.000000";
    assertThat(rows()).containsExactly(row("AAPL", stamp), row("MSFT", stamp));
  }

  @Test
  void anotherWritersBucketWithoutContributorsCountsAsOne() {
    service = start();
    long foreign = Instant.parse("2026-11-24T09:50:00Z").getEpochSecond();
    service
        .redis()
        .sadd(List.of("ticker_universe:buffer:" + foreign, "NVDA"))
        .timeout(5, TimeUnit.SECONDS)
        .await();
    buffer("alice", "AAPL");
    service.advance(Duration.ofMinutes(5));
    assertThat(flush().getLong("held")).as("foreign (1) + alice = 2 < 3").isEqualTo(2);
    buffer("bob", "MSFT");
    service.advance(Duration.ofMinutes(5));
    JsonObject published = flush();
    assertThat(published.getLong("buckets")).isEqualTo(3);
    assertThat(published.getLong("contributors")).isEqualTo(3);
    assertThat(rows()).extracting(r -> r.get(0)).containsExactly("AAPL", "MSFT", "NVDA");
  }

  @Test
  void aHeldPoolSurvivesARestartOfTheVerticlesAndAnotherNodePublishesIt() {
    service = start();
    buffer("alice", "AAPL");
    buffer("bob", "MSFT");
    service.advance(Duration.ofMinutes(5));
    assertThat(flush().getLong("held")).isEqualTo(1);
    Instant now = service.clock().instant();
    service.close();
    // Another node (new verticles, new process-level state), same stores.
    service = start(redis, new MutableClock(now));
    assertThat(flush().getLong("held")).isEqualTo(1);
    buffer("carol", "IBM");
    service.advance(Duration.ofMinutes(5));
    assertThat(flush().getLong("contributors")).isEqualTo(3);
    assertThat(rows()).hasSize(3);
  }

  @Test
  void aHeldPoolSurvivesARedisRestartWithAppendOnlyFile() {
    RedisServer aof = RedisServer.local("--appendonly", "yes", "--appendfsync", "always");
    try {
      MutableClock clock = new MutableClock(T0);
      service = start(aof, clock);
      buffer("alice", "AAPL");
      buffer("bob", "MSFT");
      service.advance(Duration.ofMinutes(5));
      assertThat(flush().getLong("held")).isEqualTo(1);
      service.close();
      aof.stop();
      aof.start();
      service = start(aof, clock);
      assertThat(flush().getLong("held"))
          .as("the buckets and their contributors came back")
          .isEqualTo(1);
      buffer("carol", "IBM");
      service.advance(Duration.ofMinutes(5));
      JsonObject published = flush();
      assertThat(published.getLong("contributors")).isEqualTo(3);
      assertThat(rows()).extracting(r -> r.get(0)).containsExactly("AAPL", "IBM", "MSFT");
    } finally {
      if (service != null) {
        service.close();
        service = null;
      }
      aof.close();
    }
  }

  @Test
  void twoFlushVerticlesDecidingAtOncePublishOnce() {
    service = start();
    service
        .vertx()
        .deployVerticle(
            () -> new FlushVerticle(service.config(), service.clock(), ServiceMetrics.detached()),
            new DeploymentOptions())
        .timeout(30, TimeUnit.SECONDS)
        .await();
    buffer("alice", "AAPL");
    buffer("bob", "MSFT");
    buffer("carol", "IBM");
    service.advance(Duration.ofMinutes(5));
    // Two requests at once: the bus delivers them round-robin, one to each verticle.
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(30_000);
    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      answers.add(
          service
              .vertx()
              .eventBus()
              .<JsonObject>request(Addresses.FLUSH, new JsonObject(), timeout)
              .<Object>map(m -> m.body())
              .otherwise(e -> e instanceof ReplyException re ? re.failureCode() : e));
    }
    List<Object> results = Future.all(answers).timeout(40, TimeUnit.SECONDS).await().list();
    long published =
        results.stream()
            .filter(r -> r instanceof JsonObject j && j.getLong("buckets", 0L) > 0)
            .count();
    assertThat(published)
        .as("one run publishes; the other finds the lease taken: %s", results)
        .isEqualTo(1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(flushed).hasSize(1));
    assertThat(rows()).hasSize(3);
    assertThat(flush().getLong("buckets")).isZero();
  }

  @Test
  void withTheDefaultsEveryBucketIsPublishedOnItsOwnAsBefore() {
    service = start("--privacy.minContributors=1");
    buffer("alice", "AAPL");
    service.advance(Duration.ofMinutes(5));
    buffer("alice", "MSFT");
    service.advance(Duration.ofMinutes(5));
    JsonObject counts = flush();
    assertThat(counts.getLong("buckets")).isEqualTo(2);
    assertThat(counts.getLong("held")).isZero();
    assertThat(counts.getLong("contributors")).isEqualTo(1);
    assertThat(rows())
        .containsExactly(
            row("AAPL", "2026-11-24 10:05:00.000000"), row("MSFT", "2026-11-24 10:10:00.000000"));
  }

  @Test
  void aMalformedContributorOnTheBusIsRefusedAndWritesNothing() {
    service = start();
    for (Object bad : List.of("", "x".repeat(129), "tab\tin", 42, new JsonArray())) {
      JsonObject request = Messages.tickersRequest(List.of("AAPL")).put(Messages.CONTRIBUTOR, bad);
      try {
        service.request(Addresses.BUFFER, request);
        throw new AssertionError("accepted " + bad);
      } catch (ReplyException e) {
        assertThat(e.failureCode()).isEqualTo(400);
        assertThat(e.getMessage()).doesNotContain("tab\tin");
      }
    }
    assertThat(service.redis().keys("*buffer*").timeout(5, TimeUnit.SECONDS).await().size())
        .isZero();
  }
}
