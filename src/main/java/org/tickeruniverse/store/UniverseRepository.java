package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.tickeruniverse.config.Setting;
import org.tickeruniverse.privacy.StampPrecision;

/**
 * Every SQL statement of the service, against the table of docs/DESIGN.md#data-layout. Callers pass
 * tickers that {@code TickerBatch} or the flush already validated; statements are always
 * parameterised.
 *
 * <p>Multi-row statements take their rows sorted, so concurrent writers lock rows in the same order
 * and cannot deadlock on each other. {@code last_referenced_at} only ever moves forward ({@code
 * GREATEST}): a bucket flushed late, or twice, cannot move time back, which is what makes a
 * repeated flush harmless.
 *
 * <p>Every write takes one stamp (a bucket boundary): {@code first_seen_at} of a row it creates is
 * that stamp, and {@code last_referenced_at} is the stamp cut to the configured {@link
 * StampPrecision} — here and nowhere else (docs/DESIGN.md#time-stamps-are-quantised-to-buckets).
 */
public final class UniverseRepository implements UniverseTable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final long queryTimeoutMillis;
  private final StampPrecision precision;

  /** {@code universe.maxTickers} for the flush's writes (Long.MAX_VALUE: unbounded). */
  private final long maxTickers;

  /** With the declared defaults of {@code mysql.queryTimeoutMillis} and the stamp precision. */
  public UniverseRepository(Pool pool) {
    this(pool, (Integer) Setting.at("mysql.queryTimeoutMillis").defaultValue());
  }

  /** With the declared default stamp precision (for callers that only read, or ping). */
  public UniverseRepository(Pool pool, long queryTimeoutMillis) {
    this(
        pool,
        queryTimeoutMillis,
        StampPrecision.of((String) Setting.at("privacy.stampPrecision").defaultValue()));
  }

  /** Unbounded: for every writer but the flush (the bound is the flush's, see Capacity). */
  public UniverseRepository(Pool pool, long queryTimeoutMillis, StampPrecision precision) {
    this(pool, queryTimeoutMillis, precision, Long.MAX_VALUE);
  }

  /**
   * Every statement fails after {@code queryTimeoutMillis}, and its connection is closed; {@code
   * last_referenced_at} is written with {@code precision}; the flush's writes keep the table within
   * {@code maxTickers} rows (see Capacity).
   */
  public UniverseRepository(
      Pool pool, long queryTimeoutMillis, StampPrecision precision, long maxTickers) {
    this.pool = pool;
    this.queryTimeoutMillis = queryTimeoutMillis;
    this.precision = precision;
    this.maxTickers = maxTickers;
  }

  /**
   * One statement on a pooled connection, bounded: if the server does not answer within the query
   * time-out the statement fails, and its connection is closed rather than returned, so a hung
   * server or a network that swallows packets cannot keep the pool's connections for ever (the
   * MySQL client of Vert.x 5.0.7 ignores the pool's transport options, so no read idle time-out can
   * do this for it). See docs/DESIGN.md#faults.
   */
  <T> Future<T> timed(Function<SqlConnection, Future<T>> statement) {
    // A timed-out connection is closed and never handed back: the pool drops a connection whose
    // socket closed and opens another, whereas a handle given back races that drop and may be
    // lent out once more, dead.
    return pool.getConnection()
        .compose(
            conn ->
                statement
                    .apply(conn)
                    .timeout(queryTimeoutMillis, TimeUnit.MILLISECONDS)
                    .transform(
                        ar -> {
                          if (ar.failed() && ar.cause() instanceof TimeoutException) {
                            return Stores.closeHung(conn)
                                .transform(closed -> Future.<T>failedFuture(ar.cause()));
                          }
                          return conn.close()
                              .transform(
                                  released ->
                                      ar.succeeded()
                                          ? Future.succeededFuture(ar.result())
                                          : Future.<T>failedFuture(ar.cause()));
                        }));
  }

  /**
   * The synchronous upsert of docs/DESIGN.md#operations: inserts new tickers with {@code
   * first_seen_at} = {@code stamp} and moves {@code last_referenced_at} of new and existing ones up
   * to {@code stamp} at the configured precision, in one statement.
   */
  public Future<Void> upsert(List<String> sortedTickers, Instant stamp) {
    if (sortedTickers.isEmpty()) {
      return Future.succeededFuture();
    }
    return timed(
            c ->
                c.preparedQuery(Sql.upsert(sortedTickers.size()))
                    .execute(rows(sortedTickers, stamp)))
        .mapEmpty();
  }

  /**
   * The flush's write of one chunk: the same end state as {@link #upsert}, with exact counts of
   * rows created and of existing rows referenced again.
   *
   * <p>One upsert cannot say which rows it created: with the client's CLIENT_FOUND_ROWS it reports
   * 1 for an insert and 1 for a duplicate it left unchanged, and the server's "Records:
   * Duplicates:" note never reaches the client. Counting first ({@code SELECT COUNT(*) … IN}) costs
   * the server as much as the insert itself (docs/PERFORMANCE.md#insert-ignore-then-bump). So the
   * chunk is written as
   *
   * <ol>
   *   <li>{@code INSERT IGNORE} of all rows: affected rows = rows created, whatever the flags. The
   *       rows are validated tickers that fit their columns, so the only thing IGNORE can skip here
   *       is a duplicate key. Into an empty table this is the whole write;
   *   <li>only when some rows already existed, the {@link #refresh} statement, which moves their
   *       {@code last_referenced_at} forward ({@code GREATEST}) and reports the rows it matched —
   *       found rows, the client's default, which {@link Stores} keeps — so matched − created =
   *       rows referenced again;
   *   <li>only when a row vanished between the two (the evictor deleted it), the upsert of the
   *       chunk, so that it exists again: nothing referenced is ever lost to eviction.
   * </ol>
   *
   * Chunks are distinct (the flush dedupes them). Each statement is sorted and runs on its own, so
   * two concurrent flushes cannot deadlock (an {@code INSERT IGNORE} holds its shared locks on
   * duplicates only until it ends).
   */
  public Future<UpsertCounts> insertOrBump(List<String> sortedTickers, Instant stamp) {
    int n = sortedTickers.size();
    if (n == 0) {
      return Future.succeededFuture(UpsertCounts.NONE);
    }
    return timed(c -> c.preparedQuery(Sql.insertIgnore(n)).execute(rows(sortedTickers, stamp)))
        .compose(
            created -> {
              int inserted = created.rowCount();
              if (inserted >= n) {
                return Future.succeededFuture(new UpsertCounts(n, 0));
              }
              // The refresh matches every row of the chunk that exists now, the ones just created
              // too.
              return refresh(sortedTickers, stamp)
                  .compose(
                      matched -> {
                        int vanished = n - matched;
                        UpsertCounts counts =
                            new UpsertCounts(
                                inserted + Math.max(0, vanished), Math.max(0, matched - inserted));
                        return vanished <= 0
                            ? Future.succeededFuture(counts)
                            : upsert(sortedTickers, stamp).map(counts);
                      });
            });
  }

  /**
   * The bound {@code universe.maxTickers} over one flush run
   * (docs/OPERATIONS.md#universe-at-capacity): the table's rows are counted once, at the run's
   * first write, and every write reserves its room before it starts, so concurrent chunk writes of
   * the run cannot pass the bound together. Writers outside the flush (the synchronous upsert,
   * seeding) are not counted against it while a run is under way. Confined to the flush's event
   * loop.
   */
  public static final class Capacity {

    private final long max;
    private Future<Long> counted;

    /** Rows counted plus room reserved by writes of this run, less room they gave back. */
    private long taken;

    Capacity(long max) {
      this.max = max;
    }

    private Future<Long> counted(UniverseRepository repository) {
      if (counted == null) {
        counted = repository.countRows().onSuccess(rows -> taken = rows);
        // A failed count is asked again by the next write rather than remembered.
        counted.onFailure(e -> counted = null);
      }
      return counted;
    }

    /** Reserves room for up to {@code wanted} new rows; returns how many it got. */
    private int take(int wanted) {
      int got = (int) Math.max(0, Math.min(wanted, max - taken));
      taken += got;
      return got;
    }

    private void giveBack(long unused) {
      taken -= unused;
    }
  }

  /** A fresh bound for one flush run; null when this repository has none. */
  public Capacity capacity() {
    return maxTickers == Long.MAX_VALUE ? null : new Capacity(maxTickers);
  }

  /** The run's writes share one fresh {@link Capacity}. */
  @Override
  public FlushWrites flushWrites() {
    Capacity capacity = capacity();
    return (sortedTickers, stamp) -> insertOrBump(sortedTickers, stamp, capacity);
  }

  /**
   * {@link #insertOrBump(List, Instant)} within {@code capacity}: while the room left is at least
   * the chunk, exactly that (plus one {@code COUNT(*)} per run). Near the bound, the chunk's
   * existing rows are found first ({@code SELECT … IN}) and bumped as always, and only as many new
   * tickers as fit are inserted, the chunk's first in sorted order; the others are returned as
   * {@link UpsertCounts#refused()} and nothing is written for them.
   */
  public Future<UpsertCounts> insertOrBump(
      List<String> sortedTickers, Instant stamp, Capacity capacity) {
    if (capacity == null) {
      return insertOrBump(sortedTickers, stamp);
    }
    int n = sortedTickers.size();
    if (n == 0) {
      return Future.succeededFuture(UpsertCounts.NONE);
    }
    return capacity
        .counted(this)
        .compose(
            counted -> {
              int room = capacity.take(n);
              if (room == n) {
                return insertOrBump(sortedTickers, stamp)
                    .onComplete(
                        ar -> capacity.giveBack(ar.succeeded() ? n - ar.result().inserted() : n));
              }
              capacity.giveBack(room);
              return nearCapacity(sortedTickers, stamp, capacity);
            });
  }

  private Future<UpsertCounts> nearCapacity(
      List<String> sortedTickers, Instant stamp, Capacity capacity) {
    Tuple args = Tuple.tuple();
    sortedTickers.forEach(args::addString);
    return timed(c -> c.preparedQuery(Sql.existing(sortedTickers.size())).execute(args))
        .compose(
            rows -> {
              java.util.Set<String> existing = new java.util.HashSet<>();
              for (Row row : rows) {
                existing.add(row.getString(0));
              }
              List<String> old = new ArrayList<>();
              List<String> fresh = new ArrayList<>();
              for (String t : sortedTickers) {
                (existing.contains(t) ? old : fresh).add(t);
              }
              int room = capacity.take(fresh.size());
              List<String> admitted = fresh.subList(0, room);
              List<String> refused = List.copyOf(fresh.subList(room, fresh.size()));
              // The existing rows and the admitted new ones go through the ordinary write, which
              // also restores a row the evictor deleted meanwhile.
              List<String> write = new ArrayList<>(old.size() + admitted.size());
              write.addAll(old);
              write.addAll(admitted);
              java.util.Collections.sort(write);
              return insertOrBump(write, stamp)
                  .onComplete(
                      ar ->
                          capacity.giveBack(
                              ar.succeeded() ? Math.max(0, room - ar.result().inserted()) : room))
                  .map(c -> new UpsertCounts(c.inserted(), c.bumped(), refused));
            });
  }

  /** (ticker, first_seen_at = the exact stamp, last_referenced_at = the stamp at precision). */
  private Tuple rows(List<String> sortedTickers, Instant stamp) {
    LocalDateTime firstSeen = utc(stamp);
    LocalDateTime referenced = utc(precision.lastReferenced(stamp));
    Tuple rows = Tuple.tuple();
    for (String t : sortedTickers) {
      rows.addString(t).addLocalDateTime(firstSeen).addLocalDateTime(referenced);
    }
    return rows;
  }

  /**
   * Moves {@code last_referenced_at} forward to {@code stamp} at the configured precision, for
   * tickers already present; returns rows matched.
   */
  public Future<Integer> refresh(List<String> sortedTickers, Instant stamp) {
    if (sortedTickers.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Tuple args = Tuple.tuple().addLocalDateTime(utc(precision.lastReferenced(stamp)));
    sortedTickers.forEach(args::addString);
    return timed(c -> c.preparedQuery(Sql.refresh(sortedTickers.size())).execute(args))
        .map(r -> r.rowCount());
  }

  /**
   * Up to {@code limit} tickers sorted by their bytes (the column's binary collation), strictly
   * after {@code after} (null: from the first): one page of a keyset-paginated read of the whole
   * table. Each page is a short range scan of the primary key on a connection held for that page
   * only, so reading a large table neither holds a connection (or a server-side cursor and its
   * temporary table) for the whole read nor keeps more than a page in memory
   * (docs/PERFORMANCE.md#universe-snapshot).
   */
  public Future<List<String>> listAfter(String after, int limit) {
    return timed(
            c ->
                after == null
                    ? c.preparedQuery(Sql.LIST_FIRST).execute(Tuple.of(limit))
                    : c.preparedQuery(Sql.LIST_AFTER).execute(Tuple.of(after, limit)))
        .map(
            rows -> {
              List<String> out = new ArrayList<>(rows.size());
              for (Row row : rows) {
                out.add(row.getString(0));
              }
              return out;
            });
  }

  /** Rows in the table (a full index scan: once per flush run that may insert, see Capacity). */
  public Future<Long> countRows() {
    return timed(c -> c.query(Sql.COUNT).execute()).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Deletes at most {@code limit} rows last referenced before {@code cutoff}; returns how many. */
  public Future<Integer> evictBatch(Instant cutoff, int limit) {
    return timed(c -> c.preparedQuery(Sql.EVICT_BATCH).execute(Tuple.of(utc(cutoff), limit)))
        .map(r -> r.rowCount());
  }

  /**
   * Deletes at most {@code limit} rows, oldest first, each last referenced before {@code ttlCutoff}
   * minus its ticker's offset of {@code 0 ≤ offset < spreadDays} days (keyed by the eviction
   * secret, {@link #ensureEvictionSecret}); rows before {@code allCutoff} go whatever their offset.
   * With a spread of one day or less this is {@link #evictBatch(Instant, int)}. Returns how many.
   */
  @Override
  public Future<Integer> evictBatch(
      Instant ttlCutoff, Instant allCutoff, int spreadDays, int limit) {
    if (spreadDays <= 1) {
      return evictBatch(ttlCutoff, limit);
    }
    Tuple args = Tuple.of(utc(ttlCutoff), utc(allCutoff), utc(ttlCutoff), spreadDays, limit);
    return timed(c -> c.preparedQuery(Sql.EVICT_SPREAD_BATCH).execute(args)).map(r -> r.rowCount());
  }

  /**
   * Makes sure the secret that keys the eviction spread exists: the first call on a database draws
   * 256 random bits (SecureRandom) and stores them, every later call — on any node — finds them.
   * Only the check travels once the secret exists; the spread statement reads the secret itself.
   */
  @Override
  public Future<Void> ensureEvictionSecret() {
    return timed(
            c ->
                c.preparedQuery(Sql.SECRET_EXISTS)
                    .execute(Tuple.of(Sql.EVICT_SPREAD_SECRET))
                    .compose(
                        found ->
                            found.iterator().next().getLong(0) > 0
                                ? Future.succeededFuture()
                                : c.preparedQuery(Sql.SECRET_CREATE)
                                    .execute(Tuple.of(Sql.EVICT_SPREAD_SECRET, newSecret()))
                                    .mapEmpty()))
        .mapEmpty();
  }

  private static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return HexFormat.of().formatHex(key);
  }

  /** A cheap round trip for readiness checks. */
  public Future<Void> ping() {
    return timed(c -> c.query(Sql.PING).execute()).mapEmpty();
  }

  static LocalDateTime utc(Instant instant) {
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
