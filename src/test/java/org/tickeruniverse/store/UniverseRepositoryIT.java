package org.tickeruniverse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

/** The flush's write of a chunk against a real MariaDB: end state and counts. */
@RealServers
class UniverseRepositoryIT {

  static final Instant EARLIER = Instant.parse("2026-11-24T09:00:00Z");
  static final Instant STAMP = Instant.parse("2026-11-24T10:05:00Z");
  static final Instant LATER = Instant.parse("2026-11-24T10:10:00Z");

  private Vertx vertx;

  /** With exact stamps, the original's: most tests here are about the write, not the precision. */
  private UniverseRepository repository;

  /** With the default day precision. */
  private UniverseRepository daily;

  private MariaDbServer mysql;

  @BeforeEach
  void setUp(RedisServer redis, MariaDbServer mysql) {
    this.mysql = mysql;
    ServiceConfig config = TestConfigs.forServers(redis, mysql);
    Migrations.migrate(config.mysql());
    mysql.execute("DELETE FROM ticker_universe.ticker_universe");
    vertx = Vertx.vertx();
    Pool pool = Stores.mysql(vertx, config.mysql());
    repository = new UniverseRepository(pool, 30_000, StampPrecision.EXACT);
    daily = new UniverseRepository(pool);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void intoAnEmptyTableEveryRowIsCreatedWithBothStampsAtTheBucketEnd() {
    UpsertCounts counts = write(List.of("AAPL", "MSFT", "VOD.L"), STAMP);

    assertThat(counts).isEqualTo(new UpsertCounts(3, 0));
    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"),
            List.of("MSFT", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"),
            List.of("VOD.L", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"));
  }

  @Test
  void existingRowsAreReferencedAgainNewOnesCreatedAndNoTimeMovesBack() {
    write(List.of("AAPL"), EARLIER);
    write(List.of("MSFT"), LATER);

    UpsertCounts counts = write(List.of("AAPL", "MSFT", "VOD.L"), STAMP);

    assertThat(counts)
        .as("VOD.L new; AAPL moved forward; MSFT already referenced later")
        .isEqualTo(new UpsertCounts(1, 2));
    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-11-24 09:00:00.000000", "2026-11-24 10:05:00.000000"),
            List.of("MSFT", "2026-11-24 10:10:00.000000", "2026-11-24 10:10:00.000000"),
            List.of("VOD.L", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"));
  }

  @Test
  void writingTheSameChunkTwiceChangesNothingTheSecondTime() {
    write(List.of("AAPL", "MSFT"), STAMP);
    List<List<String>> before = rows();

    assertThat(write(List.of("AAPL", "MSFT"), STAMP)).isEqualTo(new UpsertCounts(0, 2));
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void theSynchronousUpsertHasTheSameEndState() throws Exception {
    repository.upsert(List.of("AAPL"), EARLIER).await(10, TimeUnit.SECONDS);
    repository.upsert(List.of("AAPL", "MSFT"), STAMP).await(10, TimeUnit.SECONDS);
    repository.upsert(List.of("AAPL"), EARLIER).await(10, TimeUnit.SECONDS);

    assertThat(rows())
        .containsExactly(
            List.of("AAPL", "2026-11-24 09:00:00.000000", "2026-11-24 10:05:00.000000"),
            List.of("MSFT", "2026-11-24 10:05:00.000000", "2026-11-24 10:05:00.000000"));
  }

  /**
   * The evictor may delete a row between the flush's INSERT IGNORE (which saw it and skipped it)
   * and its bump UPDATE (which then matches nothing): the row must exist afterwards all the same.
   * Whether a round hits that window is up to the scheduler; the end state must hold in every one.
   */
  @Test
  void aWriteRacingTheEvictorLosesNoRow() throws Exception {
    List<String> tickers =
        IntStream.range(0, 1000).mapToObj(i -> String.format("R%04d", i)).toList();
    for (int round = 0; round < 10; round++) {
      mysql.execute("DELETE FROM ticker_universe.ticker_universe");
      repository.upsert(tickers, EARLIER).await(10, TimeUnit.SECONDS);
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread evictor =
          new Thread(
              () -> {
                while (writing.get()) {
                  try {
                    mysql.execute(
                        "DELETE FROM ticker_universe.ticker_universe WHERE last_referenced_at < '2026-11-24 10:00:00'"
                            + " ORDER BY last_referenced_at LIMIT 50");
                  } catch (IllegalStateException e) {
                    // InnoDB may pick this DELETE as a deadlock victim against the write; the
                    // service's evictor then retries in its next run, and so does this one, so
                    // the race goes on for the whole write instead of ending with the thread.
                    if (!String.valueOf(e.getMessage()).contains("Deadlock")) {
                      throw e;
                    }
                  }
                }
              });
      evictor.start();
      UpsertCounts counts;
      try {
        counts = write(tickers, STAMP);
      } finally {
        writing.set(false);
        evictor.join();
      }

      assertThat(counts.inserted() + counts.bumped())
          .as("round %d: %s", round, counts)
          .isEqualTo(1000);
      assertThat(
              mysql.query(
                  "SELECT COUNT(*), MIN(last_referenced_at) FROM ticker_universe.ticker_universe"))
          .as("round %d", round)
          .containsExactly(List.of("1000", "2026-11-24 10:05:00.000000"));
    }
  }

  @Test
  void atDayPrecisionNewRowsAreFirstSeenAtTheStampAndEveryReferenceIsTheDay() throws Exception {
    repository
        .upsert(List.of("AAPL"), Instant.parse("2026-11-20T09:00:00Z"))
        .await(10, TimeUnit.SECONDS);
    repository.upsert(List.of("MSFT"), LATER).await(10, TimeUnit.SECONDS); // exact, later that day

    UpsertCounts counts = write(daily, List.of("AAPL", "MSFT", "VOD.L"), STAMP);

    assertThat(counts).isEqualTo(new UpsertCounts(1, 2));
    assertThat(rows())
        .as("AAPL bumped to the day; MSFT's later exact stamp kept (only forward); VOD.L new")
        .containsExactly(
            List.of("AAPL", "2026-11-20 09:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("MSFT", "2026-11-24 10:10:00.000000", "2026-11-24 10:10:00.000000"),
            List.of("VOD.L", "2026-11-24 10:05:00.000000", "2026-11-24 00:00:00.000000"));
  }

  @Test
  void atDayPrecisionReferencesOfOneDayLeaveOneValueAndTheUpsertToo() throws Exception {
    daily.upsert(List.of("AAPL", "MSFT"), EARLIER).await(10, TimeUnit.SECONDS);
    assertThat(daily.refresh(List.of("AAPL"), STAMP).await(10, TimeUnit.SECONDS)).isEqualTo(1);
    List<List<String>> afterOne = rows();
    assertThat(daily.refresh(List.of("AAPL", "MSFT"), LATER).await(10, TimeUnit.SECONDS))
        .isEqualTo(2);

    assertThat(rows())
        .as("a second refresh the same day changes nothing")
        .isEqualTo(afterOne)
        .containsExactly(
            List.of("AAPL", "2026-11-24 09:00:00.000000", "2026-11-24 00:00:00.000000"),
            List.of("MSFT", "2026-11-24 09:00:00.000000", "2026-11-24 00:00:00.000000"));
    daily
        .refresh(List.of("AAPL"), Instant.parse("2026-11-25T00:05:00Z"))
        .await(10, TimeUnit.SECONDS);
    assertThat(rows().get(0))
        .containsExactly("AAPL", "2026-11-24 09:00:00.000000", "2026-11-25 00:00:00.000000");
  }

  private UpsertCounts write(List<String> sorted, Instant stamp) {
    return write(repository, sorted, stamp);
  }

  private UpsertCounts write(UniverseRepository repository, List<String> sorted, Instant stamp) {
    try {
      return repository.insertOrBump(sorted, stamp).await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the write did not finish in 10 s", e);
    }
  }

  private List<List<String>> rows() {
    return mysql.query(
        "SELECT yahoo_ticker, first_seen_at, last_referenced_at FROM ticker_universe.ticker_universe"
            + " ORDER BY yahoo_ticker");
  }
}
