package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every SQL statement of the service, against the table of SPEC §3. Callers pass tickers that
 * {@code TickerBatch} or the flush already validated; statements are always parameterised.
 *
 * <p>Multi-row statements take their rows sorted, so concurrent writers lock rows in the same
 * order and cannot deadlock on each other. {@code last_referenced_at} only ever moves forward
 * ({@code GREATEST}): a bucket flushed late, or twice, cannot move time back, which is what
 * makes a repeated flush harmless.
 */
public final class UniverseRepository {

  private final Pool pool;

  public UniverseRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts new tickers with both time stamps = {@code stamp}, and moves
   * {@code last_referenced_at} of existing ones up to {@code stamp}.
   *
   * <p>The counts need the number of rows already present, read first on the same connection:
   * with the client's default CLIENT_FOUND_ROWS an upsert reports 1 per insert, 1 per unchanged
   * duplicate and 2 per changed one, so {@code affected - n} is exactly the rows bumped.
   */
  public Future<UpsertCounts> upsert(List<String> sortedTickers, Instant stamp) {
    if (sortedTickers.isEmpty()) {
      return Future.succeededFuture(UpsertCounts.NONE);
    }
    int n = sortedTickers.size();
    LocalDateTime at = utc(stamp);
    Tuple keys = Tuple.tuple();
    Tuple rows = Tuple.tuple();
    for (String t : sortedTickers) {
      keys.addString(t);
      rows.addString(t).addLocalDateTime(at).addLocalDateTime(at);
    }
    // Both statements leave at once on one connection (pipelined, see Stores): the server runs
    // them in order, so the count still sees the table before the upsert, without a round trip
    // in between.
    return pool.withConnection(conn -> {
      Future<Long> present = conn.preparedQuery(Sql.countExisting(n)).execute(keys)
          .map(existing -> existing.iterator().next().getLong(0));
      Future<Integer> affected = conn.preparedQuery(Sql.upsert(n)).execute(rows).map(r -> r.rowCount());
      return Future.all(present, affected).map(both -> new UpsertCounts(
          n - present.result(), Math.max(0, affected.result() - n)));
    });
  }

  /** Moves {@code last_referenced_at} forward for tickers already present; returns rows matched. */
  public Future<Integer> refresh(List<String> sortedTickers, Instant stamp) {
    if (sortedTickers.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Tuple args = Tuple.tuple().addLocalDateTime(utc(stamp));
    sortedTickers.forEach(args::addString);
    return pool.preparedQuery(Sql.refresh(sortedTickers.size())).execute(args).map(r -> r.rowCount());
  }

  /** Every ticker, sorted by its bytes (the column's binary collation). */
  public Future<List<String>> listAll() {
    return pool.query(Sql.LIST).execute().map(rows -> {
      List<String> out = new ArrayList<>(rows.size());
      for (Row row : rows) {
        out.add(row.getString(0));
      }
      // The collation already orders by bytes; sorting again costs little and makes the order a
      // property of this code rather than of the server's configuration.
      Collections.sort(out);
      return out;
    });
  }

  /** Deletes at most {@code limit} rows last referenced before {@code cutoff}; returns how many. */
  public Future<Integer> evictBatch(Instant cutoff, int limit) {
    return pool.preparedQuery(Sql.EVICT_BATCH).execute(Tuple.of(utc(cutoff), limit)).map(r -> r.rowCount());
  }

  /** A cheap round trip for readiness checks. */
  public Future<Void> ping() {
    return pool.query(Sql.PING).execute().mapEmpty();
  }

  static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
