package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
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
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The whole pipeline of docs/DESIGN.md#operations through the event bus, against a real Redis and
 * MariaDB, with a clock the test moves: buffer → bucket in Redis → flush at the boundary → MySQL →
 * list.
 */
@RealServers
class PipelineIT {

  static final String TABLE = "ticker_universe.ticker_universe";

  /** 10:00:00 is a bucket boundary; 10:01:00 lies inside the bucket [10:00, 10:05). */
  static final Instant T0 = Instant.parse("2026-11-24T10:01:00Z");

  static ServiceHarness service;
  static MariaDbServer mysql;
  static RedisServer redis;
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startService(RedisServer redisServer, MariaDbServer mariadb) {
    redis = redisServer;
    mysql = mariadb;
    service =
        ServiceHarness.start(
            TestConfigs.forServers(
                redis,
                mysql,
                "--node.verticles=buffer,flush,evict,universe",
                "--flush.chunkSize=7",
                "--evict.batchSize=3",
                "--evict.pauseMillis=1"),
            new MutableClock(T0));
    for (String address :
        List.of(
            Addresses.EVENT_FLUSHED,
            Addresses.EVENT_EVICTED,
            Addresses.EVENT_UPSERTED,
            Addresses.EVENT_UNIVERSE_CHANGED)) {
      service
          .vertx()
          .eventBus()
          .<JsonObject>consumer(address, m -> events.add(m.body().copy().put("address", address)))
          .completion()
          .timeout(10, TimeUnit.SECONDS)
          .await();
    }
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void emptyStores() {
    redis.flushAll();
    mysql.execute("DELETE FROM " + TABLE);
    service.clock().set(T0);
    events.clear();
  }

  private JsonObject buffer(String... tickers) {
    return service.request(Addresses.BUFFER, Messages.tickersRequest(List.of(tickers)));
  }

  private JsonObject flush() {
    return service.request(Addresses.FLUSH, new JsonObject());
  }

  private List<List<String>> rows() {
    return mysql.query(
        "SELECT yahoo_ticker, first_seen_at, last_referenced_at FROM "
            + TABLE
            + " ORDER BY yahoo_ticker");
  }

  private List<String> tickersInTable() {
    return rows().stream().map(r -> r.get(0)).toList();
  }

  @Test
  void bufferAnswersTheDistinctValidCountNeverTheNewOnes() {
    assertThat(buffer("aapl", "AAPL", " vod.l ").getInteger(Messages.BUFFERED)).isEqualTo(2);
    // Somebody else already buffered both: the answer must not reveal it.
    assertThat(buffer("AAPL", "VOD.L").getInteger(Messages.BUFFERED)).isEqualTo(2);
    assertThat(service.members(service.bucketKey(T0))).containsExactly("AAPL", "VOD.L");
  }

  @Test
  void everyWriteSetsTheBucketTtl() {
    buffer("AAPL");
    String key = service.bucketKey(T0);
    long ttl = service.redis().ttl(key).timeout(5, TimeUnit.SECONDS).await().toLong();
    assertThat(ttl).isBetween(7000L, 7200L);
    service.redis().expire(List.of(key, "10")).timeout(5, TimeUnit.SECONDS).await();
    buffer("MSFT");
    assertThat(service.redis().ttl(key).timeout(5, TimeUnit.SECONDS).await().toLong())
        .isGreaterThan(7000L);
  }

  @Test
  void anInvalidTickerRefusesTheWholeRequestAndWritesNothing() {
    assertThatThrownBy(() -> buffer("AAPL", "DROP TABLE", "MSFT"))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(400);
              assertThat(new JsonObject(e.getMessage()).getJsonArray("offenders").getList())
                  .containsExactly("DROP TABLE");
            });
    assertThat(service.redis().keys("*").timeout(5, TimeUnit.SECONDS).await().size()).isZero();
  }

  @Test
  void aMalformedMessageIsRefused() {
    assertThatThrownBy(
            () -> service.request(Addresses.BUFFER, new JsonObject().put("tickers", "AAPL")))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  void flushWritesClosedBucketsOnlyStampedWithTheBucketEnd() {
    buffer("MSFT", "AAPL");
    assertThat(flush().getLong("buckets")).as("bucket still open").isZero();
    service.advance(Duration.ofMinutes(4).plusSeconds(4)); // 10:05:04, grace not over
    assertThat(flush().getLong("buckets")).isZero();
    service.advance(Duration.ofSeconds(1)); // 10:05:05
    JsonObject counts = flush();
    assertThat(counts.getLong("buckets")).isEqualTo(1);
    assertThat(counts.getLong("inserted")).isEqualTo(2);
    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"),
            List.of("MSFT", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"));
    assertThat(
            service
                .redis()
                .exists(List.of(service.bucketKey(T0)))
                .timeout(5, TimeUnit.SECONDS)
                .await()
                .toLong())
        .isZero();
  }

  @Test
  void flushCatchesUpEveryMissedBucketAndOnlyMovesTimeForward() {
    buffer("AAPL");
    service.advance(Duration.ofMinutes(5));
    buffer("AAPL", "MSFT");
    service.advance(Duration.ofMinutes(5));
    buffer("VOD.L");
    service.advance(Duration.ofMinutes(5)); // 10:16: buckets 10:00, 10:05, 10:10 closed
    JsonObject counts = flush();
    assertThat(counts.getLong("buckets")).isEqualTo(3);
    assertThat(counts.getLong("inserted")).isEqualTo(3);
    assertThat(counts.getLong("bumped")).isEqualTo(1);
    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-11-24 10:05:00.000000", "2026-11-24 10:10:00.000000"),
            List.of("MSFT", "2026-11-24 10:10:00.000000", "2026-11-24 10:10:00.000000"),
            List.of("VOD.L", "2026-11-24 10:15:00.000000", "2026-11-24 10:15:00.000000"));
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getString("address")).isEqualTo(Addresses.EVENT_FLUSHED);
              assertThat(e.getLong("buckets")).isEqualTo(3);
            });
  }

  @Test
  void keysFromAnotherWriterOfTheSameFormatAreFlushed() {
    // What the original Python service writes: SADD into ticker_universe:buffer:<start>, with its
    // own looser normalisation (a member our grammar refuses is dropped, never written).
    long start = Instant.parse("2026-11-24T09:50:00Z").getEpochSecond();
    service
        .redis()
        .sadd(List.of("ticker_universe:buffer:" + start, "NVDA", "SAP.DE", "BAD TICKER"))
        .timeout(5, TimeUnit.SECONDS)
        .await();
    service
        .redis()
        .sadd(List.of("ticker_universe:unrelated:" + start, "IGNORED"))
        .timeout(5, TimeUnit.SECONDS)
        .await();
    JsonObject counts = flush();
    assertThat(counts.getLong("buckets")).isEqualTo(1);
    assertThat(counts.getLong("rejected")).isEqualTo(1);
    assertThat(tickersInTable()).containsExactly("NVDA", "SAP.DE");
    assertThat(service.members("ticker_universe:buffer:" + start)).isEmpty();
    assertThat(service.members("ticker_universe:unrelated:" + start)).containsExactly("IGNORED");
  }

  @Test
  void aLateWriteIntoAFlushedBucketIsFlushedByTheNextRun() {
    buffer("AAPL");
    service.advance(Duration.ofMinutes(5));
    flush();
    String closedKey = service.bucketKey(T0);
    service.redis().sadd(List.of(closedKey, "LATE")).timeout(5, TimeUnit.SECONDS).await();
    assertThat(tickersInTable()).containsExactly("AAPL");
    flush();
    assertThat(tickersInTable()).containsExactly("AAPL", "LATE");
  }

  @Test
  void aBucketLargerThanOnePageIsFlushedCompletelyInChunks() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 950; i++) {
      many.add("T" + i);
    }
    buffer(many.toArray(String[]::new));
    service.advance(Duration.ofMinutes(5));
    JsonObject counts = flush();
    assertThat(counts.getLong("inserted")).isEqualTo(950);
    assertThat(mysql.query("SELECT COUNT(*) FROM " + TABLE).get(0).get(0)).isEqualTo("950");
    assertThat(service.members(service.bucketKey(T0))).isEmpty();
  }

  @Test
  void mysqlDownDuringAFlushLosesNothingAndTheNextRunCompletesIt() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mysql.controllable(), "needs a MariaDB the test can stop");
    buffer("AAPL", "MSFT", "VOD.L");
    service.advance(Duration.ofMinutes(5));
    mysql.stop();
    try {
      assertThatThrownBy(this::flush)
          .isInstanceOfSatisfying(
              ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(503));
      assertThat(service.members(service.bucketKey(T0))).containsExactly("AAPL", "MSFT", "VOD.L");
    } finally {
      mysql.start();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(flush().getLong("inserted")).isEqualTo(3));
    assertThat(tickersInTable()).containsExactly("AAPL", "MSFT", "VOD.L");
    assertThat(service.members(service.bucketKey(T0))).isEmpty();
  }

  @Test
  void evictionDeletesExactlyTheRowsOlderThanTheTtlInSeveralBatches() {
    // clock: 2026-11-24T10:01; TTL 60 days → cut-off 2026-09-25T10:01
    for (int i = 0; i < 8; i++) {
      mysql.execute(
          "INSERT INTO "
              + TABLE
              + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES ('OLD"
              + i
              + "', '2026-01-01', '2026-09-25 10:00:59.999999')");
    }
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
            + "('EDGE', '2026-01-01', '2026-09-25 10:01:00'), ('NEW', '2026-01-01', '2026-11-24 10:00:00')");
    JsonObject result = service.request(Addresses.EVICT, new JsonObject());
    assertThat(result.getLong(Messages.DELETED)).isEqualTo(8);
    assertThat(tickersInTable()).containsExactly("EDGE", "NEW");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getString("address")).isEqualTo(Addresses.EVENT_EVICTED);
              assertThat(e.getLong(Messages.DELETED)).isEqualTo(8);
            });
  }

  @Test
  void refreshBumpsKnownTickersAndIgnoresUnknownOnes() {
    mysql.execute(
        "INSERT INTO "
            + TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
            + "('AAPL', '2026-01-01', '2026-01-01'), ('MSFT', '2026-01-01', '2026-01-01')");
    JsonObject result =
        service.request(Addresses.REFRESH, Messages.tickersRequest(List.of("aapl", "UNKNOWN")));
    assertThat(result.getInteger(Messages.UPDATED)).isEqualTo(1);
    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-01-01 00:00:00.000000", "2026-11-24 10:00:00.000000"),
            List.of("MSFT", "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000"));
  }

  @Test
  void anUpsertIsInTheListAtOnceSortedAndTheEventsCarryNoTickers() {
    JsonObject result =
        service.request(
            Addresses.UPSERT, Messages.tickersRequest(List.of("vod.l", "AAPL", "^GSPC")));
    assertThat(result.getInteger(Messages.UPSERTED)).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject list = service.request(Addresses.LIST, new JsonObject());
              assertThat(list.getJsonArray(Messages.TICKERS).getList())
                  .containsExactly("AAPL", "VOD.L", "^GSPC");
              assertThat(list.getInteger(Messages.COUNT)).isEqualTo(3);
            });
    assertThat(events)
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.encode())
                    .doesNotContain("AAPL")
                    .doesNotContain("VOD.L")
                    .doesNotContain("GSPC"));
  }

  @Test
  void twoFlushesAtOnceProduceTheTableOfOne() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      many.add("C" + i);
    }
    buffer(many.toArray(String[]::new));
    service.advance(Duration.ofMinutes(5));
    // Two nodes flushing the same bucket (lease lost mid-run): both run the job directly.
    var first = FlushRunner.run(service);
    var second = FlushRunner.run(service);
    first.timeout(60, TimeUnit.SECONDS).await();
    second.timeout(60, TimeUnit.SECONDS).await();
    assertThat(
            mysql
                .query("SELECT COUNT(*), MIN(first_seen_at), MAX(last_referenced_at) FROM " + TABLE)
                .get(0))
        .containsExactly("300", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000");
    assertThat(service.members(service.bucketKey(T0))).isEmpty();
  }
}
