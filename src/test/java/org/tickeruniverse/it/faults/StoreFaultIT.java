package org.tickeruniverse.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.tickeruniverse.it.faults.Faults.figure;
import static org.tickeruniverse.it.faults.Faults.rows;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tickeruniverse.store.Migrations;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.NodeProcess;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * Stores that hang or die under a real service process, on the shared real servers. Each scenario
 * proves: every acknowledged (202) ticker is in MySQL after the next successful flush, no row is
 * lost or doubled, callers get bounded errors (never a hang past the service's own time-outs) while
 * a store is away, and the service recovers on its own within seconds.
 */
@RealServers
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StoreFaultIT {

  /** Short buckets so that "the next flush" comes within seconds; the lease must stay shorter. */
  static final Map<String, String> FAST_BUCKETS =
      Map.of(
          "TU_BUFFER_BUCKET_SECONDS",
          "10",
          "TU_FLUSH_GRACE_SECONDS",
          "1",
          "TU_FLUSH_LEASE_SECONDS",
          "5");

  /**
   * The slowest liveness answer allowed while a store is away. A blocked event loop would show as
   * seconds; on this shared 2-core machine a scheduling hiccup costs a few hundred ms (the figures
   * print the real maximum).
   */
  static final long LIVENESS_MAX_MILLIS = 1000;

  /**
   * HTTP's event-bus time-out (TU_HTTP_BUS_TIMEOUT_MILLIS default): the longest a buffer call may
   * take.
   */
  static final long BUS_TIMEOUT_MILLIS = 5000;

  @BeforeEach
  void emptyStores(RedisServer redis, MariaDbServer mysql) {
    Faults.reset(redis, mysql);
  }

  @Test
  void redisHungForEightSecondsUnder32UploadersAnswers503ThenRecoversAndLosesNothing(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    long redisPid = Faults.redisPid(redis);
    try (Service service = Service.start(redis.url(), mysql.url(), FAST_BUCKETS);
        Uploaders load = new Uploaders(service, 32, "H")) {
      Liveness live = new Liveness(service);
      await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged.size() > 200);
      live.reset();
      long rssBefore = service.process().memoryKb("VmRSS");
      NodeProcess.signal(redisPid, "STOP");
      long resumed;
      try {
        Thread.sleep(8000); // the fault itself: Redis frozen for 8 s
      } finally {
        NodeProcess.signal(redisPid, "CONT");
        resumed = System.nanoTime();
      }
      load.watchRecoveryFrom(resumed);
      await().atMost(Duration.ofSeconds(10)).until(() -> load.recoveryMillis() >= 0);
      long liveMax = live.maxMillis();
      long recovery = load.recoveryMillis();
      Thread.sleep(1000);
      load.close();
      live.close();

      assertThat(load.count(503)).as("the hang was felt and told: 503 (%s)", load).isGreaterThan(0);
      assertThat(load.errors())
          .as("every error is a 503, no hang, no reset (%s)", load)
          .isEqualTo(load.count(503));
      assertThat(load.slowestMillis.get())
          .as("no call waits past the bus time-out")
          .isLessThan(BUS_TIMEOUT_MILLIS + 1500);
      assertThat(recovery).as("202 again within seconds of Redis resuming").isLessThan(5000);
      assertThat(liveMax)
          .as("liveness stays fast while Redis hangs")
          .isLessThan(LIVENESS_MAX_MILLIS);
      Set<String> acked = Set.copyOf(load.acknowledged);
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Faults.tickersLike(mysql, "H").containsAll(acked));
      figure(
          "redis SIGSTOP 8s, 32 uploaders",
          "recovery "
              + recovery
              + " ms after SIGCONT, errors seen by callers "
              + load.errors()
              + " (all 503), slowest call "
              + load.slowestMillis
              + " ms, liveness max "
              + liveMax
              + " ms, acknowledged "
              + acked.size()
              + " / in MySQL "
              + Faults.tickersLike(mysql, "H").size()
              + " (all acknowledged present), RSS "
              + rssBefore / 1024
              + "→"
              + service.process().memoryKb("VmRSS") / 1024
              + " MB");
    }
  }

  @Test
  void mysqlHungInTheMiddleOfALargeFlushFailsCleanlyAndTheNextFlushCompletesTheTableExactly(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int n = 20_000;
    String key = Faults.fillOldBucket(redis, "M", n);
    try (FaultProxy proxy = new FaultProxy(mysql.host(), mysql.port());
        Service service =
            Service.start(
                redis.url(),
                mysql.url().replace(":" + mysql.port() + "/", ":" + proxy.port() + "/"),
                Map.of("TU_FLUSH_CHUNK_SIZE", "50", "TU_MYSQL_QUERY_TIMEOUT_MILLIS", "2000"))) {
      // The start-up flush is under way: freeze MySQL in its middle.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> rows(mysql) > 2000);
      proxy.freeze();
      long frozenAt = System.nanoTime();
      HttpResponse<String> during = service.flush();
      long answeredAfter = (System.nanoTime() - frozenAt) / 1_000_000;
      long rowsWhileFrozen = rows(mysql);
      assertThat(during.statusCode())
          .as("the run fails and says so: %s", during.body())
          .isEqualTo(503);
      assertThat(answeredAfter).as("within the query time-out, not never").isLessThan(2000 + 4000);
      assertThat(rowsWhileFrozen).isLessThan(n);
      Thread.sleep(Math.max(0, 6000 - answeredAfter)); // MySQL stays away 6 s in all
      proxy.thaw();
      long thawed = System.nanoTime();
      HttpResponse<String> after = null;
      // The next flush completes it; its first try may still meet a connection closed by the hang.
      for (int i = 0; i < 10; i++) {
        after = service.flush();
        if (after.statusCode() == 200) {
          break;
        }
        Thread.sleep(500);
      }
      long recovery = (System.nanoTime() - thawed) / 1_000_000;
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(rows(mysql)).as("the table exactly: every ticker once").isEqualTo(n);
      assertThat(redis.command("EXISTS", key)).as("and the bucket is gone").isEqualTo(0L);
      assertThat(
              mysql
                  .query(
                      "SELECT MIN(last_referenced_at), MAX(last_referenced_at) FROM "
                          + Faults.TABLE)
                  .get(0))
          .as("one bucket, one stamp")
          .containsOnly(Faults.stampOf(key, 300));
      figure(
          "mysql frozen 6s mid-flush (proxy)",
          "in-flight flush answered 503 after "
              + answeredAfter
              + " ms, rows at freeze "
              + rowsWhileFrozen
              + "/"
              + n
              + ", next flush 200 "
              + recovery
              + " ms after thaw, rows "
              + rows(mysql)
              + " = tickers "
              + n
              + ", RSS "
              + service.process().memoryKb("VmRSS") / 1024
              + " MB");
    }
  }

  @Test
  void aLeaseHolderKilledMidFlushCostsSecondsAndEveryAdminAnswerMeanwhileIs409(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int n = 20_000;
    int lease = 10; // the default
    String key = Faults.fillOldBucket(redis, "L", n);
    try (Service service =
        Service.start(redis.url(), mysql.url(), Map.of("TU_FLUSH_CHUNK_SIZE", "20"))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> rows(mysql) > 1000);
      String holder = (String) redis.command("GET", Faults.PREFIX + ":lease:flush");
      assertThat(holder).isNotNull();
      long killedAt = System.nanoTime();
      service.killAndRestart();
      long restartedAfter = (System.nanoTime() - killedAt) / 1_000_000;

      // Until the dead holder's lease ends, an admin flush is refused truthfully, never "200
      // zeros".
      Set<Integer> statuses = new HashSet<>();
      int refusals = 0;
      int maxRetryAfter = 0;
      HttpResponse<String> r;
      long sentAt;
      while (true) {
        sentAt = System.nanoTime();
        r = service.flush();
        statuses.add(r.statusCode());
        if (r.statusCode() != 409) {
          break;
        }
        refusals++;
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("busy");
        int retryAfter = error.getInteger("retryAfterSeconds");
        assertThat(r.headers().firstValue("Retry-After")).contains(Integer.toString(retryAfter));
        assertThat(retryAfter).isBetween(1, lease);
        maxRetryAfter = Math.max(maxRetryAfter, retryAfter);
        assertThat((System.nanoTime() - killedAt) / 1_000_000)
            .as("refused for at most one lease")
            .isLessThan(lease * 1000L + 1500);
        Thread.sleep(250);
      }
      // When the request that was no longer refused left: its answer comes after the whole rest.
      long takenOverAfter = (sentAt - killedAt) / 1_000_000;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(takenOverAfter)
          .as("a crashed holder costs at most one lease (+ slack)")
          .isLessThan(lease * 1000L + 1500);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> rows(mysql) == n && (Long) redis.command("EXISTS", key) == 0L);
      assertThat(
              mysql
                  .query("SELECT MIN(first_seen_at), MAX(last_referenced_at) FROM " + Faults.TABLE)
                  .get(0))
          .containsOnly(Faults.stampOf(key, 300));
      figure(
          "flush lease holder SIGKILLed mid-flush",
          "restarted in "
              + restartedAfter
              + " ms, "
              + refusals
              + " admin flushes answered 409 busy (Retry-After ≤ "
              + maxRetryAfter
              + " s), flush accepted again "
              + takenOverAfter
              + " ms after the kill (lease "
              + lease
              + " s), rows "
              + rows(mysql)
              + " = tickers "
              + n);
    }
  }

  /**
   * The crash loop of docs/OPERATIONS.md#universe-snapshot: a node SIGKILLed mid-flush over a
   * 1,500,000-row table comes back with the documented JVM options (256 MB heap), builds its
   * snapshot of the whole table, serves it, and completes the flush.
   */
  @Test
  void aNodeKilledMidFlushOverALargeTableComesBackServesItAndCompletesTheFlush(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int table = 1_500_000;
    int n = 20_000;
    Migrations.migrate(TestConfigs.forServers(redis, mysql).mysql());
    long filling = System.nanoTime();
    mysql.execute(
        "INSERT INTO "
            + Faults.TABLE
            + " (yahoo_ticker, first_seen_at, last_referenced_at)"
            + " SELECT CONCAT('T', LPAD(seq, 7, '0'), '.L'), '2026-01-01 00:00:00',"
            + " '2026-01-01 00:00:00' FROM seq_1_to_"
            + table);
    long filledMillis = (System.nanoTime() - filling) / 1_000_000;
    String key = Faults.fillOldBucket(redis, "K", n);
    try (Service service =
        Service.start(redis.url(), mysql.url(), Map.of("TU_FLUSH_CHUNK_SIZE", "20"))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> tickersLike(mysql, "K") > 1000);
      long killedAt = System.nanoTime();
      service.killAndRestart();
      long restartedAfter = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(tickersLike(mysql, "K")).isLessThan(n);

      // The flush completes: the dead holder's lease ends, then an admin flush takes over.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> service.flush().statusCode() == 200);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> tickersLike(mysql, "K") == n && (Long) redis.command("EXISTS", key) == 0L);
      // The snapshot of the whole table is built and served by the restarted node.
      String head = "{\"count\":" + (table + n) + ",";
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .failFast("the service died: " + service.logTail(40), () -> !service.process().isAlive())
          .until(
              () -> {
                HttpResponse<String> r = service.get("/api/v1/universe");
                return r.statusCode() == 200 && r.body().startsWith(head);
              });
      long servedAfter = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(service.process().isAlive()).isTrue();
      assertThat(service.logTail(2000)).doesNotContain("OutOfMemoryError");
      long peakRssMb = service.process().memoryKb("VmHWM") / 1024;
      assertThat(peakRssMb).as("peak resident memory, MB").isLessThanOrEqualTo(384);
      figure(
          "node SIGKILLed mid-flush over a " + table + "-row table",
          "table filled in "
              + filledMillis
              + " ms; restarted in "
              + restartedAfter
              + " ms, flush complete ("
              + n
              + " rows) and the "
              + (table + n)
              + "-ticker universe served "
              + servedAfter
              + " ms after the kill; peak RSS "
              + peakRssMb
              + " MB");
    }
  }

  /** Rows whose ticker starts with {@code prefix}: a range of the primary key, not a table scan. */
  static long tickersLike(MariaDbServer mysql, String prefix) {
    return Long.parseLong(
        mysql
            .query(
                "SELECT COUNT(*) FROM "
                    + Faults.TABLE
                    + " WHERE yahoo_ticker LIKE '"
                    + prefix
                    + "%'")
            .get(0)
            .get(0));
  }

  @Test
  void stalledHalfSentRequestsDoNotDelayNormalCalls(RedisServer redis, MariaDbServer mysql)
      throws Exception {
    try (Service service = Service.start(redis.url(), mysql.url(), Map.of());
        SlowClients slow = SlowClients.open(service.port(), 300)) {
      long slowest = 0;
      for (int i = 0; i < 40; i++) {
        long t0 = System.nanoTime();
        assertThat(service.buffer("SLOW" + i).statusCode()).isEqualTo(202);
        assertThat(service.get("/health/live").statusCode()).isEqualTo(200);
        slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
      }
      assertThat(slowest)
          .as("a buffer call and a liveness probe, with 300 stalled clients")
          .isLessThan(500);
      assertThat(slow.stillOpen()).as("the stalled clients are held, not refused").isGreaterThan(0);
      figure(
          "300 stalled half-sent requests",
          "slowest normal buffer+live pair "
              + slowest
              + " ms, errors 0, "
              + "RSS "
              + service.process().memoryKb("VmRSS") / 1024
              + " MB");
    }
  }

  @Test
  void fifteenHundredConnectionsKeepResidentMemoryBoundedAndLivenessFast(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int connections = 1500;
    try (Service service = Service.start(redis.url(), mysql.url(), FAST_BUCKETS)) {
      long rssIdle = service.process().memoryKb("VmRSS");
      java.util.List<Long> probes = new java.util.ArrayList<>();
      try (ManyConnections load = new ManyConnections(service.port(), connections, "C")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.connected.get() == connections);
        long until = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < until) {
          long t0 = System.nanoTime();
          assertThat(service.get("/health/live").statusCode()).isEqualTo(200);
          probes.add((System.nanoTime() - t0) / 1_000_000);
          Thread.sleep(100);
        }
        assertThat(load.connected.get()).as("every connection still open").isEqualTo(connections);
        long peakKb = service.process().memoryKb("VmHWM");
        java.util.Collections.sort(probes);
        long p95 = probes.get(probes.size() * 95 / 100);
        long max = probes.get(probes.size() - 1);
        int acked = load.acknowledged.size();
        int errors = load.other.get();
        load.close();
        assertThat(peakKb / 1024).as("peak resident memory, MB").isLessThanOrEqualTo(384);
        // The target is < 100 ms (the figure line reports it); the assertion only proves liveness
        // stays well inside a probe's 1 s time-out, so a busy shared machine cannot fail the build.
        assertThat(p95).as("liveness p95 with %d connections open", connections).isLessThan(1000);
        assertThat(errors).as("answers other than 202").isZero();
        Set<String> ackedSet = Set.copyOf(load.acknowledged);
        await()
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> Faults.tickersLike(mysql, "C").containsAll(ackedSet));
        figure(
            connections + " concurrent keep-alive connections, ~1 upload/s each",
            "peak RSS "
                + peakKb / 1024
                + " MB (idle "
                + rssIdle / 1024
                + " MB, bound 384), liveness p95 "
                + p95
                + " ms max "
                + max
                + " ms, acknowledged "
                + acked
                + " all in MySQL, errors "
                + errors);
      }
    }
  }

  @Test
  void redisKilledAndRestartedFromItsAppendOnlyFileUnderLoadLosesNothingAcknowledged(
      MariaDbServer mysql) throws Exception {
    // A Redis of its own, persisting as the README asks for "nothing lost": AOF, fsync always.
    try (RedisServer redis = RedisServer.local("--appendonly", "yes", "--appendfsync", "always");
        Service service = Service.start(redis.url(), mysql.url(), FAST_BUCKETS);
        Uploaders load = new Uploaders(service, 16, "K")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged.size() > 300);
      NodeProcess.signal(Faults.redisPid(redis), "KILL");
      long killed = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> !redis.ping());
      Thread.sleep(1000); // down for a moment, then the operator (or systemd) restarts it
      redis.start();
      long restarted = System.nanoTime();
      load.watchRecoveryFrom(restarted);
      await().atMost(Duration.ofSeconds(15)).until(() -> load.recoveryMillis() >= 0);
      long recovery = load.recoveryMillis();
      Thread.sleep(1000);
      load.close();
      assertThat(load.slowestMillis.get())
          .as("bounded while Redis is away (%s)", load)
          .isLessThan(BUS_TIMEOUT_MILLIS + 1500);
      assertThat(load.transportErrors.get()).as("%s", load).isZero();
      Set<String> acked = Set.copyOf(load.acknowledged);
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Faults.tickersLike(mysql, "K").containsAll(acked));
      figure(
          "redis SIGKILL + restart from AOF (fsync always), 16 uploaders",
          "down "
              + (restarted - killed) / 1_000_000
              + " ms, 202 again "
              + recovery
              + " ms after restart, errors seen by callers "
              + load.errors()
              + " "
              + load.byStatus
              + ", slowest call "
              + load.slowestMillis
              + " ms, acknowledged "
              + acked.size()
              + " all in MySQL ("
              + Faults.tickersLike(mysql, "K").size()
              + " rows)");
    }
  }

  @Test
  void redisBlackholedForTwelveSecondsUnderLoadGivesBoundedErrorsAndRecoversWithinSeconds(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    try (FaultProxy proxy = new FaultProxy(redis.host(), redis.port());
        Service service =
            Service.start("redis://127.0.0.1:" + proxy.port(), mysql.url(), FAST_BUCKETS);
        Uploaders load = new Uploaders(service, 8, "B")) {
      Liveness live = new Liveness(service);
      await().atMost(Duration.ofSeconds(10)).until(() -> load.acknowledged.size() > 100);
      live.reset();
      proxy.freeze();
      long frozen = System.nanoTime();
      // The fault itself lasts 12 s, past two bus time-outs: every in-flight command times out
      // and new ones fail fast meanwhile; longer adds only time to the suite.
      Thread.sleep(12_000);
      int errorsDuring = load.errors();
      long slowestDuring = load.slowestMillis.get();
      long peakKb = service.process().memoryKb("VmHWM");
      proxy.thaw();
      long thawed = System.nanoTime();
      load.watchRecoveryFrom(thawed);
      await().atMost(Duration.ofSeconds(20)).until(() -> load.recoveryMillis() >= 0);
      long recovery = load.recoveryMillis();
      Thread.sleep(1000);
      load.close();
      live.close();
      assertThat(errorsDuring).as("the blackhole was felt and told").isGreaterThan(0);
      assertThat(load.errors()).as("every error a 503 (%s)", load).isEqualTo(load.count(503));
      assertThat(slowestDuring)
          .as("no call waits past the bus time-out")
          .isLessThan(BUS_TIMEOUT_MILLIS + 1500);
      assertThat(recovery).as("202 again within seconds").isLessThan(10_000);
      assertThat(live.maxMillis())
          .as("liveness while Redis is blackholed")
          .isLessThan(LIVENESS_MAX_MILLIS);
      assertThat(peakKb / 1024).isLessThanOrEqualTo(384);
      Set<String> acked = Set.copyOf(load.acknowledged);
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> Faults.tickersLike(mysql, "B").containsAll(acked));
      figure(
          "redis blackholed 12s by the proxy, 8 uploaders",
          "errors seen by callers "
              + load.errors()
              + " (all 503), slowest call "
              + slowestDuring
              + " ms, 202 again "
              + recovery
              + " ms after restore, liveness max "
              + live.maxMillis()
              + " ms, peak RSS "
              + peakKb / 1024
              + " MB, acknowledged "
              + acked.size()
              + " all in MySQL; blackhole lasted "
              + (thawed - frozen) / 1_000_000
              + " ms");
    }
  }

  @Test
  void aLeaseHolderFrozenBySigstopIsOvertakenWithinALeaseAndTheTableEndsExact(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int n = 40_000;
    int lease = 5;
    Map<String, String> settings =
        Map.of("TU_FLUSH_CHUNK_SIZE", "10", "TU_FLUSH_LEASE_SECONDS", Integer.toString(lease));
    try (Service a = Service.start(redis.url(), mysql.url(), settings);
        Service b = Service.start(redis.url(), mysql.url(), settings)) {
      String key = Faults.fillOldBucket(redis, "F", n);
      java.util.concurrent.CompletableFuture.runAsync(
          () -> {
            try {
              a.flush(); // a takes the lease and flushes; its answer may outlive the test's
              // patience
            } catch (Exception ignored) {
              // frozen below
            }
          });
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> rows(mysql) > 1000);
      String holder = (String) redis.command("GET", Faults.PREFIX + ":lease:flush");
      HttpResponse<String> refused = b.flush();
      assertThat(refused.statusCode())
          .as("b is refused while a holds the lease: %s", refused.body())
          .isEqualTo(409);
      a.process().signal("STOP");
      long frozenAt = System.nanoTime();
      try {
        // b retries on its own when a's lease runs out: a frozen holder stops renewing.
        await()
            .atMost(Duration.ofSeconds(lease + 5))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () -> {
                  Object now = redis.command("GET", Faults.PREFIX + ":lease:flush");
                  return now != null && !now.equals(holder);
                });
        long overtaken = (System.nanoTime() - frozenAt) / 1_000_000;
        assertThat(overtaken)
            .as("a frozen holder costs at most one lease")
            .isLessThan(lease * 1000L + 1500);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> rows(mysql) == n && (Long) redis.command("EXISTS", key) == 0L);
        long rowsAtResume = rows(mysql);
        a.process().signal("CONT");
        // a wakes up mid-page: it writes its page again (idempotent) and finds the rest gone.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> redis.command("GET", Faults.PREFIX + ":lease:flush") == null);
        assertThat(rows(mysql)).isEqualTo(n);
        assertThat(
                mysql
                    .query(
                        "SELECT MIN(first_seen_at), MAX(last_referenced_at) FROM " + Faults.TABLE)
                    .get(0))
            .containsOnly(Faults.stampOf(key, 300));
        figure(
            "flush lease holder SIGSTOPped mid-flush, second node",
            "overtaken "
                + overtaken
                + " ms after the freeze"
                + " (lease "
                + lease
                + " s), b finished the bucket while a was frozen (rows "
                + rowsAtResume
                + "), after SIGCONT"
                + " rows "
                + rows(mysql)
                + " = tickers "
                + n
                + ", no duplicate, one stamp");
      } finally {
        a.process().signal("CONT");
      }
    }
  }

  /** What only the flush's removal script sends to Redis. */
  static final String SREM_SCRIPT = "redis.call('SREM'";

  /** Where a flush is stopped, and by which proxy: the command that is, or was just, on its way. */
  enum Stage {
    AFTER_SSCAN_BEFORE_MYSQL("mysql", "INSERT IGNORE", false),
    // The SREM travels inside the removal script (BucketStore.REMOVE_AND_DROP_IF_EMPTY, sent with
    // EVAL), which drops the bucket's contributor record in the same step.
    AFTER_MYSQL_COMMIT_BEFORE_SREM("redis", SREM_SCRIPT, false),
    AFTER_SREM("redis", SREM_SCRIPT, true);

    final String store;
    final String marker;
    final boolean after;

    Stage(String store, String marker, boolean after) {
      this.store = store;
      this.marker = marker;
      this.after = after;
    }
  }

  @Test
  void aNodeKilledAtEveryStageOfAFlushLeavesNothingLostOrDoubled(
      RedisServer redis, MariaDbServer mysql) throws Exception {
    int n = 3000;
    StringBuilder figures = new StringBuilder();
    for (Stage stage : Stage.values()) {
      Faults.reset(redis, mysql);
      String key = Faults.fillOldBucket(redis, "S", n);
      try (FaultProxy redisProxy = new FaultProxy(redis.host(), redis.port());
          FaultProxy mysqlProxy = new FaultProxy(mysql.host(), mysql.port())) {
        FaultProxy at = stage.store.equals("redis") ? redisProxy : mysqlProxy;
        at.freezeOn(stage.marker, stage.after);
        try (Service service =
            Service.start(
                "redis://127.0.0.1:" + redisProxy.port(),
                mysql.url().replace(":" + mysql.port() + "/", ":" + mysqlProxy.port() + "/"),
                Map.of("TU_FLUSH_CHUNK_SIZE", "100", "TU_FLUSH_LEASE_SECONDS", "3"))) {
          // The start-up flush runs into the frozen proxy at the chosen stage; the node dies there.
          assertThat(at.awaitMarker(60)).as("%s reached", stage).isTrue();
          service.kill();
          long rowsAtKill = rows(mysql);
          long leftInRedis = (Long) redis.command("SCARD", key);
          switch (stage) {
            case AFTER_SSCAN_BEFORE_MYSQL -> {
              assertThat(rowsAtKill).isZero();
              assertThat(leftInRedis).isEqualTo(n);
            }
            case AFTER_MYSQL_COMMIT_BEFORE_SREM -> {
              assertThat(rowsAtKill).isPositive();
              assertThat(leftInRedis).isEqualTo(n);
            }
            case AFTER_SREM -> {
              assertThat(rowsAtKill).isPositive();
              assertThat(leftInRedis).isLessThan(n);
            }
          }
          at.cut();
          at.thaw();
          long restarted = System.nanoTime();
          service.launch(); // its start-up flush completes the work (after the dead node's lease)
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> rows(mysql) == n && (Long) redis.command("EXISTS", key) == 0L);
          long completed = (System.nanoTime() - restarted) / 1_000_000;
          assertThat(
                  mysql
                      .query(
                          "SELECT COUNT(*), COUNT(DISTINCT yahoo_ticker), MIN(first_seen_at), MAX(last_referenced_at) FROM "
                              + Faults.TABLE)
                      .get(0))
              .containsExactly(
                  Integer.toString(n),
                  Integer.toString(n),
                  Faults.stampOf(key, 300),
                  Faults.stampOf(key, 300));
          figures.append(
              String.format(
                  "%s: rows at kill %d, left in Redis %d, complete %d ms after restart; ",
                  stage, rowsAtKill, leftInRedis, completed));
        }
      }
    }
    figure(
        "node SIGKILLed at each flush stage (proxy freeze at the stage's command)",
        figures + "every run: rows " + n + " = tickers, no duplicate, one stamp");
  }

  /** Probes /health/live every 50 ms and keeps the slowest answer (a failure counts as 60 s). */
  static final class Liveness implements AutoCloseable {
    private final AtomicLong max = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;

    Liveness(Service service) {
      thread =
          new Thread(
              () -> {
                while (!stopped.get()) {
                  long t0 = System.nanoTime();
                  long took;
                  try {
                    took =
                        service.get("/health/live").statusCode() == 200
                            ? (System.nanoTime() - t0) / 1_000_000
                            : 60_000;
                  } catch (Exception e) {
                    took = 60_000;
                  }
                  max.accumulateAndGet(took, Math::max);
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "liveness-probe");
      thread.setDaemon(true);
      thread.start();
    }

    void reset() {
      max.set(0);
    }

    long maxMillis() {
      return max.get();
    }

    @Override
    public void close() throws InterruptedException {
      stopped.set(true);
      thread.join(10_000);
    }
  }
}
