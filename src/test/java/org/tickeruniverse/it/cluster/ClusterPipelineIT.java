package org.tickeruniverse.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * Three clustered nodes in one JVM (Hazelcast TCP-IP join on 127.0.0.1, a cluster name of their
 * own), each running a different part of the service against one real Redis and MariaDB, on the
 * real clock with 5-second buckets so that every node's flush timer really fires:
 *
 * <ul>
 *   <li>A: {@code http} only — the edge: no store of its own, every request crosses the bus;
 *   <li>B: {@code http,buffer,flush,universe};
 *   <li>C: {@code http,flush,evict,universe}.
 * </ul>
 */
@RealServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterPipelineIT {

  static final String TABLE = "ticker_universe.ticker_universe";
  static final int BUCKET = 5;

  static RedisServer redis;
  static MariaDbServer mysql;
  static ServiceHarness a;
  static ServiceHarness b;
  static ServiceHarness c;
  static final List<FlushCounts> flushed = new CopyOnWriteArrayList<>();
  static final List<Long> evicted = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster(RedisServer redisServer, MariaDbServer mariadb) throws Exception {
    redis = redisServer;
    mysql = mariadb;
    TestConfigs.Cluster cluster = TestConfigs.Cluster.create();
    a = ServiceHarness.start(config(cluster, "http"), Clock.systemUTC());
    b = ServiceHarness.start(config(cluster, "http,buffer,flush,universe"), Clock.systemUTC());
    c = ServiceHarness.start(config(cluster, "http,flush,evict,universe"), Clock.systemUTC());
    // Events are published cluster-wide: subscribe on A, which flushes nothing itself.
    UniverseClient client = a.client();
    Future.all(
            client.onFlushed(flushed::add).completion(),
            client.onEvicted(evicted::add).completion())
        .await(30, TimeUnit.SECONDS);
  }

  static ServiceConfig config(TestConfigs.Cluster cluster, String verticles) {
    List<String> settings = new ArrayList<>(cluster.args());
    settings.addAll(
        List.of(
            "--node.verticles=" + verticles,
            "--http.port=" + TestConfigs.freePort(),
            "--buffer.bucketSeconds=" + BUCKET,
            "--flush.graceSeconds=1",
            "--flush.leaseSeconds=4",
            "--universe.refreshSeconds=3600"));
    return TestConfigs.forUrls(redis.url(), mysql.url(), settings);
  }

  @AfterAll
  static void stopCluster() {
    for (ServiceHarness n : new ServiceHarness[] {c, b, a}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @BeforeEach
  void emptyStores() {
    redis.flushAll();
    mysql.execute("DELETE FROM " + TABLE);
    flushed.clear();
    evicted.clear();
  }

  @Test
  void aBufferRequestToAnHttpOnlyNodeIsWrittenToRedisByTheNodeWithTheBufferVerticle()
      throws Exception {
    HttpResponse<byte[]> answer =
        a.http("POST", "/api/v1/tickers/buffer", "{\"tickers\":[\"aapl\",\" MSFT \",\"AAPL\"]}");
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(
            new JsonObject(new String(answer.body(), StandardCharsets.UTF_8))
                .getInteger("buffered"))
        .isEqualTo(2);
    long now = Instant.now().getEpochSecond();
    // The write's bucket is the current one or, right after a boundary, the previous one; neither
    // is flushed before its end + 1 s grace, so both are still there.
    List<String> members = new ArrayList<>();
    for (long start : List.of(startOf(now), startOf(now) - BUCKET)) {
      for (Object m : (List<?>) redis.command("SMEMBERS", "ticker_universe:buffer:" + start)) {
        members.add((String) m);
      }
    }
    assertThat(members).containsExactlyInAnyOrder("AAPL", "MSFT");
    await().atMost(Duration.ofSeconds(20)).until(() -> count() == 2);
  }

  @Test
  void theFlushTimersOfEveryNodeFlushEachBucketOnceAndEveryNodeConverges() throws Exception {
    List<String> tickers = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      tickers.add("TIMER" + i);
    }
    a.client().buffer(tickers).await(30, TimeUnit.SECONDS);

    // No request: B's and C's timers fire at the next boundary + grace, one of them holds the
    // lease.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(count()).isEqualTo(250));
    // Two more flush moments pass on both nodes: still one run that flushed, no second one.
    await()
        .during(Duration.ofSeconds(BUCKET + 2))
        .atMost(Duration.ofSeconds(BUCKET + 10))
        .until(() -> flushed.size() == 1);
    FlushCounts run = flushed.get(0);
    assertThat(run.buckets()).isEqualTo(1);
    assertThat(run.inserted()).isEqualTo(250);
    assertThat(run.read()).isEqualTo(250);
    assertThat(count()).isEqualTo(250);
    assertThat(
            mysql.query(
                "SELECT COUNT(DISTINCT first_seen_at), COUNT(DISTINCT last_referenced_at) FROM "
                    + TABLE))
        .as("one bucket, one stamp: its end")
        .containsExactly(List.of("1", "1"));

    // Every UniverseVerticle's own snapshot (LIST delivered locally) converges on the same list,
    // and every node's HTTP answers the same bytes with the same ETag.
    for (ServiceHarness node : List.of(b, c)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(node.localList().getInteger(Messages.COUNT)).isEqualTo(250));
    }
    assertThat(b.localList().getString(Messages.ETAG))
        .isEqualTo(c.localList().getString(Messages.ETAG));
    List<HttpResponse<byte[]>> answers = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              answers.clear();
              for (ServiceHarness node : List.of(a, b, c)) {
                HttpResponse<byte[]> r = node.http("GET", "/api/v1/universe", null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(
                        new JsonObject(new String(r.body(), StandardCharsets.UTF_8))
                            .getInteger("count"))
                    .isEqualTo(250);
                answers.add(r);
              }
            });
    assertThat(answers.get(1).body()).isEqualTo(answers.get(0).body());
    assertThat(answers.get(2).body()).isEqualTo(answers.get(0).body());
    assertThat(answers)
        .extracting(r -> r.headers().firstValue("ETag").orElseThrow())
        .containsOnly(answers.get(0).headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void flushRequestsSentFromEveryNodeAtOnceFlushABucketOnce() throws Exception {
    // A closed bucket an hour old, written as another writer of the same format would.
    long start = startOf(Instant.now().getEpochSecond() - 3600);
    List<String> sadd = new ArrayList<>(List.of("SADD", "ticker_universe:buffer:" + start));
    for (int i = 0; i < 3000; i++) {
      sadd.add("REQ" + i);
    }
    redis.command(sadd.toArray(String[]::new));

    List<Future<FlushCounts>> replies = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (ServiceHarness node : List.of(a, b, c)) {
        replies.add(node.client().flush());
      }
    }
    // join: waits for every reply, refusals included
    Future.join(new ArrayList<>(replies)).otherwiseEmpty().await(60, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() -> count() == 3000);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> flushed.size() == 1);
    assertThat(flushed.get(0).inserted()).isEqualTo(3000);
    assertThat(replies)
        .as(
            "every answer is the run that did it, a later run that found nothing, or"
                + " 409 busy (another node held the lease) — never zeros for a run that did not happen")
        .allSatisfy(
            f -> {
              if (f.succeeded()) {
                assertThat(f.result().inserted()).isIn(0L, 3000L);
              } else {
                assertThat(f.cause())
                    .isInstanceOfSatisfying(
                        ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(409));
              }
            });
    assertThat(replies)
        .anySatisfy(f -> assertThat(f.succeeded() && f.result().inserted() == 3000L).isTrue());
    assertThat(redis.command("EXISTS", "ticker_universe:buffer:" + start)).isEqualTo(0L);
    assertThat(redis.command("EXISTS", "ticker_universe:lease:flush")).as("released").isEqualTo(0L);
  }

  @Test
  void aSiblingVerticleOnAnotherNodeUsesTheTypedClient() throws Exception {
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
            + "('STALE', '2020-01-01', '2020-01-01')");
    Sibling sibling = new Sibling();
    String deployment = a.vertx().deployVerticle(sibling).await(30, TimeUnit.SECONDS);
    JsonObject out = sibling.outcome.await(90, TimeUnit.SECONDS);

    assertThat(out.getInteger("buffered")).isEqualTo(2);
    assertThat(out.getInteger("upserted")).isEqualTo(2);
    assertThat(out.getInteger("refreshed")).isEqualTo(1);
    assertThat(out.getInteger("invalidCode"))
        .as("a ReplyException with the documented code")
        .isEqualTo(400);
    assertThat(out.getJsonArray("offenders").encode()).isEqualTo("[\"NOT A TICKER\"]");
    assertThat(out.getLong("evicted")).isEqualTo(1);
    // The sibling's own subscriptions see the flush of its buffered tickers and the eviction.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(sibling.flushes).anySatisfy(f -> assertThat(f.inserted()).isEqualTo(2));
              assertThat(sibling.evictions).containsExactly(1L);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(a.client().list().await(30, TimeUnit.SECONDS))
                    .containsExactly("AAPL", "MSFT", "NVDA", "^GSPC"));
    a.vertx().undeploy(deployment).await(10, TimeUnit.SECONDS);
  }

  /** What a verticle of another module writes: one line of set-up, then plain futures. */
  static final class Sibling extends VerticleBase {
    final Promise<JsonObject> result = Promise.promise();
    final Future<JsonObject> outcome = result.future();
    final List<FlushCounts> flushes = new CopyOnWriteArrayList<>();
    final List<Long> evictions = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> start() {
      UniverseClient universe = UniverseClient.create(vertx);
      MessageConsumer<?> onFlushed = universe.onFlushed(flushes::add);
      MessageConsumer<?> onEvicted = universe.onEvicted(evictions::add);
      JsonObject out = new JsonObject();
      Future.all(onFlushed.completion(), onEvicted.completion())
          .compose(v -> universe.buffer(List.of("aapl", "MSFT")))
          .compose(
              n -> {
                out.put("buffered", n);
                return universe.upsert(List.of("nvda", "^gspc"));
              })
          .compose(
              n -> {
                out.put("upserted", n);
                return universe.refresh(List.of("NVDA", "UNKNOWN"));
              })
          .compose(
              n -> {
                out.put("refreshed", n);
                return universe
                    .buffer(List.of("AAPL", "NOT A TICKER"))
                    .transform(
                        ar -> {
                          ReplyException failure = (ReplyException) ar.cause();
                          out.put("invalidCode", failure.failureCode());
                          out.put(
                              "offenders",
                              new JsonObject(failure.getMessage()).getJsonArray("offenders"));
                          return Future.succeededFuture();
                        });
              })
          .compose(v -> universe.evict())
          .onSuccess(deleted -> result.complete(out.put("evicted", deleted)))
          .onFailure(result::fail);
      return Future.succeededFuture();
    }
  }

  static long startOf(long epochSeconds) {
    return Math.floorDiv(epochSeconds, BUCKET) * BUCKET;
  }

  static long count() {
    return Long.parseLong(mysql.query("SELECT COUNT(*) FROM " + TABLE).get(0).get(0));
  }
}
