package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.privacy.ContributorKey;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.StoreFixture;
import org.tickeruniverse.testsupport.TestConfigs;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * Who a contributor is and what Redis learns of one (docs/DESIGN.md#contributors), on real Redis
 * and MariaDB with a clock the test moves: only proxy tokens name contributors; without a
 * configured secret every node and every restart count a caller once (the secret is kept in Redis);
 * a pool across UTC midnight never counts one person twice; and what Redis writes for a caller is a
 * 16-bit value that changes from one day to the next.
 */
class ContributorIdentityIT extends StoreFixture {

  static final String CALLER = "identity-caller-token-0001";
  static final String CALLER_2 = "identity-caller-token-0002";
  static final String PROXY = "identity-proxy-token-0003";
  static final HttpClient HTTP = TestHttp.client();

  /** 10:01 lies inside the bucket [10:00, 10:05). */
  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  final List<ServiceHarness> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(ServiceHarness::close);
  }

  /** A node with HTTP, buffer and flush, k = 3, and no configured secret unless overridden. */
  ServiceHarness start(RedisServer on, MutableClock clock, String... overrides) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--node.verticles=buffer,flush,universe,http",
                "--auth.apiTokens=" + CALLER + "," + CALLER_2,
                "--auth.proxyTokens=" + PROXY,
                "--privacy.minContributors=3"));
    args.addAll(List.of(overrides));
    ServiceHarness node =
        ServiceHarness.start(TestConfigs.forServers(on, mysql, args.toArray(String[]::new)), clock);
    started.add(node);
    return node;
  }

  static HttpResponse<String> post(ServiceHarness node, String token, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/tickers/buffer"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static void accepted(ServiceHarness node, String token, String body) throws Exception {
    HttpResponse<String> r = post(node, token, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  static String contributorsKey(ServiceHarness node, Instant at) {
    return node.bucketKey(at).replace(":buffer:", ":contributors:");
  }

  static long distinct(ServiceHarness node, Instant at) {
    return node.redis()
        .pfcount(List.of(contributorsKey(node, at)))
        .timeout(5, TimeUnit.SECONDS)
        .await()
        .toLong();
  }

  static JsonObject flush(ServiceHarness node) {
    return node.request(Addresses.FLUSH, new JsonObject());
  }

  // ---- who may name a contributor ---------------------------------------------------------

  @Test
  void aCallerTokenNamingAContributorIsRefusedAndNothingIsWritten() throws Exception {
    ServiceHarness node = start(redis, new MutableClock(T0));
    for (String user : List.of("a", "b")) {
      HttpResponse<String> r =
          post(node, CALLER, "{\"tickers\":[\"AAPL\"],\"contributor\":\"" + user + "\"}");
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code"))
          .isEqualTo("contributor_not_allowed");
    }
    assertThat(node.members(node.bucketKey(T0))).as("no ticker written").isEmpty();
    assertThat(distinct(node, T0)).as("no contributor counted").isZero();
  }

  @Test
  void aProxyTokensNamedUsersCountApartAndWithoutANameItCountsAsItself() throws Exception {
    ServiceHarness node = start(redis, new MutableClock(T0));
    accepted(node, PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-1\"}");
    accepted(node, PROXY, "{\"tickers\":[\"MSFT\"],\"contributor\":\"user-2\"}");
    accepted(node, PROXY, "{\"tickers\":[\"IBM\"],\"contributor\":\"user-2\"}");
    assertThat(distinct(node, T0)).as("two named users").isEqualTo(2);
    accepted(node, PROXY, "{\"tickers\":[\"SAP.DE\"]}");
    assertThat(distinct(node, T0)).as("the proxy itself, a third").isEqualTo(3);
    node.advance(Duration.ofMinutes(5));
    assertThat(flush(node).getLong("contributors")).isEqualTo(3);
  }

  // ---- one secret for the deployment -----------------------------------------------------

  @Test
  void withoutASecretTheSameTokenCountsOnceAcrossARestart() throws Exception {
    MutableClock clock = new MutableClock(T0);
    ServiceHarness first = start(redis, clock);
    accepted(first, CALLER, "{\"tickers\":[\"AAPL\"]}");
    first.close();
    started.remove(first);
    // A new process-level state (new Vert.x, new verticles), the same Redis.
    ServiceHarness second = start(redis, clock);
    accepted(second, CALLER, "{\"tickers\":[\"MSFT\"]}");
    assertThat(distinct(second, T0)).isEqualTo(1);
    accepted(second, CALLER_2, "{\"tickers\":[\"IBM\"]}");
    assertThat(distinct(second, T0)).isEqualTo(2);
    assertThat(redis.command("EXISTS", "ticker_universe:privacy-secret")).isEqualTo(1L);
  }

  @Test
  void withoutASecretTheSameTokenCountsOnceThroughTwoNodes() throws Exception {
    MutableClock clock = new MutableClock(T0);
    ServiceHarness a = start(redis, clock);
    ServiceHarness b = start(redis, clock);
    accepted(a, CALLER, "{\"tickers\":[\"AAPL\"]}");
    accepted(b, CALLER, "{\"tickers\":[\"MSFT\"]}");
    accepted(a, PROXY, "{\"tickers\":[\"IBM\"],\"contributor\":\"user-1\"}");
    accepted(b, PROXY, "{\"tickers\":[\"IBM\"],\"contributor\":\"user-1\"}");
    assertThat(distinct(a, T0))
        .as("one caller and one proxied user, each through both")
        .isEqualTo(2);
  }

  @Test
  void aConfiguredSecretWinsAndNothingIsKeptInRedis() throws Exception {
    ServiceHarness node =
        start(redis, new MutableClock(T0), "--privacy.secret=configured-secret-0123456789");
    accepted(node, CALLER, "{\"tickers\":[\"AAPL\"]}");
    assertThat(redis.command("EXISTS", "ticker_universe:privacy-secret")).isEqualTo(0L);
  }

  @Test
  void aBufferNodeStartedBeforeRedisTakesUploadsOnlyOnceItHasTheSecret() throws Exception {
    try (RedisServer late = RedisServer.local()) {
      late.stop();
      MutableClock clock = new MutableClock(T0);
      CompletableFuture<ServiceHarness> starting =
          CompletableFuture.supplyAsync(() -> start(late, clock, "--node.verticles=buffer"));
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !starting.isDone());
      late.start();
      ServiceHarness node = starting.get(60, TimeUnit.SECONDS);
      node.request(Addresses.BUFFER, Messages.bufferRequest(List.of("AAPL"), "sibling-user"));
      assertThat(late.command("EXISTS", "ticker_universe:privacy-secret")).isEqualTo(1L);
      assertThat(distinct(node, T0)).isEqualTo(1);
      node.close();
      started.remove(node);
    }
  }

  // ---- a pool across a key change ---------------------------------------------------------

  static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-11-24T23:56:00Z");
  static final Instant AFTER_MIDNIGHT = Instant.parse("2026-11-25T00:01:00Z");
  static final Instant LATER = Instant.parse("2026-11-25T00:05:05Z");

  @Test
  void aPoolAcrossUtcMidnightCountsTheSameCallerOnce() throws Exception {
    MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
    ServiceHarness node = start(redis, clock, "--privacy.minContributors=2");
    accepted(node, CALLER, "{\"tickers\":[\"AAPL\"]}");
    clock.set(AFTER_MIDNIGHT);
    accepted(node, CALLER, "{\"tickers\":[\"MSFT\"]}");
    // Two keys, two unrelated elements for one caller: a merged count would say 2 and publish.
    assertThat(
            node.redis()
                .pfcount(
                    List.of(
                        contributorsKey(node, BEFORE_MIDNIGHT),
                        contributorsKey(node, AFTER_MIDNIGHT)))
                .timeout(5, TimeUnit.SECONDS)
                .await()
                .toLong())
        .as("merged across days the same caller would count twice (precondition)")
        .isEqualTo(2);
    clock.set(LATER);
    JsonObject held = flush(node);
    assertThat(held.getLong("held")).as("1 < k = 2: counted per day, the largest day").isEqualTo(2);
    assertThat(held.getLong("buckets")).isZero();
  }

  @Test
  void aPoolAcrossUtcMidnightCountsItsLargestDay() throws Exception {
    MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
    ServiceHarness node = start(redis, clock, "--privacy.minContributors=2");
    accepted(node, CALLER, "{\"tickers\":[\"AAPL\"]}");
    clock.set(AFTER_MIDNIGHT);
    accepted(node, CALLER_2, "{\"tickers\":[\"MSFT\"]}");
    clock.set(LATER);
    // One per day: two people, counted as one — the documented undercount, the safe side.
    assertThat(flush(node).getLong("held")).isEqualTo(2);
    accepted(node, CALLER, "{\"tickers\":[\"IBM\"]}");
    clock.set(Instant.parse("2026-11-25T00:10:05Z"));
    JsonObject published = flush(node);
    assertThat(published.getLong("contributors")).as("two on the second day").isEqualTo(2);
    assertThat(published.getLong("buckets")).isEqualTo(3);
  }

  // ---- what Redis writes ---------------------------------------------------------------------

  @Test
  void theValueWrittenForOneCallerIsSixteenBitsAndChangesFromDayToDay() throws Exception {
    String secret = "aof-test-secret-0123456789";
    try (RedisServer aof = RedisServer.local("--appendonly", "yes", "--appendfsync", "always")) {
      MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
      ServiceHarness node = start(aof, clock, "--privacy.secret=" + secret);
      accepted(node, PROXY, "{\"tickers\":[\"AAPL\"],\"contributor\":\"user-7\"}");
      clock.set(AFTER_MIDNIGHT);
      accepted(node, PROXY, "{\"tickers\":[\"MSFT\"],\"contributor\":\"user-7\"}");
      node.close();
      started.remove(node);

      String written = appendOnlyText(aof);
      List<List<String>> pfadds =
          commands(written).stream().filter(c -> c.get(0).equalsIgnoreCase("PFADD")).toList();
      assertThat(pfadds).as("one PFADD per bucket: %s", pfadds).hasSize(2);
      String day1 = pfadds.get(0).get(2);
      String day2 = pfadds.get(1).get(2);
      assertThat(pfadds).allSatisfy(c -> assertThat(c).hasSize(3));
      assertThat(List.of(day1, day2)).allSatisfy(v -> assertThat(v).matches("[0-9a-f]{4}"));
      assertThat(day1).as("nothing links the two days").isNotEqualTo(day2);
      // Exactly the documented derivation of the edge digest of that proxied user.
      ContributorKey key = ContributorKey.of(secret);
      String digest = ContributorKey.callerDigest(PROXY, "user-7");
      assertThat(day1).isEqualTo(key.element(digest, LocalDate.parse("2026-11-24")));
      assertThat(day2).isEqualTo(key.element(digest, LocalDate.parse("2026-11-25")));
      assertThat(written)
          .doesNotContain(PROXY)
          .doesNotContain("user-7")
          .doesNotContain(digest)
          .doesNotContain(digest.substring(2));
    }
  }

  /** Every append-only file of a Redis 7 server (base and increments), as Latin-1 text. */
  static String appendOnlyText(RedisServer server) throws IOException {
    Path dir = Path.of(configValue(server, "dir")).resolve(configValue(server, "appenddirname"));
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".aof")).sorted().toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  static String configValue(RedisServer server, String name) {
    List<?> reply = (List<?>) server.command("CONFIG", "GET", name);
    return reply.get(1).toString();
  }

  /** The RESP arrays of an AOF (its commands, MULTI/EXEC of scripts included) in order. */
  static List<List<String>> commands(String aof) {
    List<List<String>> out = new ArrayList<>();
    int at = 0;
    while ((at = aof.indexOf("*", at)) >= 0) {
      int eol = aof.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      int n;
      try {
        n = Integer.parseInt(aof.substring(at + 1, eol));
      } catch (NumberFormatException notAnArray) {
        at++;
        continue;
      }
      List<String> args = new ArrayList<>();
      int p = eol + 2;
      boolean ok = n > 0;
      for (int i = 0; i < n && ok; i++) {
        int lineEnd = aof.indexOf("\r\n", p);
        if (lineEnd < 0 || aof.charAt(p) != '$') {
          ok = false;
          break;
        }
        int len = Integer.parseInt(aof.substring(p + 1, lineEnd));
        args.add(aof.substring(lineEnd + 2, lineEnd + 2 + len));
        p = lineEnd + 2 + len + 2;
      }
      if (ok) {
        out.add(args);
        at = p;
      } else {
        at++;
      }
    }
    return out;
  }
}
