package org.tickeruniverse.job;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Supplier;

/**
 * A lease in MySQL/MariaDB: a named lock ({@code GET_LOCK(name, 0)}) held by a connection of its
 * own (not one of the pool: ending it must really end it) for as long as the job runs. The server
 * frees the lock when that connection ends:
 *
 * <ul>
 *   <li>at once when the holding process dies (its kernel closes the socket);
 *   <li>at most {@code ttlSeconds} after the holder stopped talking when its machine or network
 *       vanished: the connection's {@code wait_timeout} is set to the TTL, and while the lease is
 *       held a keep-alive query runs every third of it.
 * </ul>
 *
 * <p>For jobs that touch MySQL only (eviction): a node that runs nothing but them then needs no
 * Redis, and processes that share only the database (not a cluster) still take turns. Named locks
 * are server-wide, not per database, so the name should include the database.
 *
 * <p>Lives on its verticle's event loop, like {@link LeasedJob} (not thread-safe by design).
 */
public final class MysqlLease implements Lease {

  /** MySQL and MariaDB limit lock names to 64 characters. */
  static final int MAX_NAME = 64;

  private final Vertx vertx;
  private final Supplier<Future<SqlConnection>> connect;
  private final String name;
  private final int ttlSeconds;
  private SqlConnection held;
  private long keepAlive = -1;

  /**
   * @param connect opens a new, unpooled connection, e.g. {@code MySQLConnection.connect(vertx,
   *     options)}
   * @param ttlSeconds how long a silent holder keeps the lock at most
   */
  public MysqlLease(
      Vertx vertx, Supplier<Future<SqlConnection>> connect, String name, int ttlSeconds) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException("a lock name has 1-64 characters: " + name);
    }
    if (ttlSeconds < 3) {
      throw new IllegalArgumentException(
          "the TTL must allow a keep-alive every third of it: " + ttlSeconds);
    }
    this.vertx = vertx;
    this.connect = connect;
    this.name = name;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Boolean> acquire() {
    if (held != null) {
      return renew().compose(mine -> mine ? Future.succeededFuture(true) : acquire());
    }
    return connect
        .get()
        .compose(
            conn ->
                conn.query("SET SESSION wait_timeout = " + ttlSeconds)
                    .execute()
                    .compose(
                        v -> conn.preparedQuery("SELECT GET_LOCK(?, 0)").execute(Tuple.of(name)))
                    .map(
                        rows -> {
                          if (isOne(rows)) {
                            held = conn;
                            keepAlive = vertx.setPeriodic(ttlSeconds * 1000L / 3, id -> renew());
                            return true;
                          }
                          conn.close();
                          return false;
                        })
                    .onFailure(e -> conn.close()));
  }

  @Override
  public Future<Boolean> renew() {
    if (held == null) {
      return Future.succeededFuture(false);
    }
    SqlConnection conn = held;
    return conn.preparedQuery("SELECT IS_USED_LOCK(?) = CONNECTION_ID()")
        .execute(Tuple.of(name))
        .map(MysqlLease::isOne)
        // A connection that failed has ended, and the lock with it.
        .otherwise(false)
        .onSuccess(
            mine -> {
              if (!mine && held == conn) {
                forget();
                conn.close();
              }
            });
  }

  private void forget() {
    held = null;
    vertx.cancelTimer(keepAlive);
  }

  @Override
  public Future<Void> release() {
    SqlConnection conn = held;
    forget();
    if (conn == null) {
      return Future.succeededFuture();
    }
    // Ending the connection frees the lock as well; RELEASE_LOCK first says so explicitly.
    return conn.preparedQuery("SELECT RELEASE_LOCK(?)")
        .execute(Tuple.of(name))
        .<Void>mapEmpty()
        .eventually(conn::close);
  }

  public String name() {
    return name;
  }

  /**
   * One whole lease: a named lock does not tell how long its holder has left, and a vanished
   * holder's connection (and so the lock) ends within that time.
   */
  @Override
  public Future<Long> millisUntilRetry() {
    return Future.succeededFuture(ttlSeconds * 1000L);
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  private static boolean isOne(RowSet<Row> rows) {
    var it = rows.iterator();
    if (!it.hasNext()) {
      return false;
    }
    Object v = it.next().getValue(0);
    return v instanceof Number n && n.longValue() == 1L;
  }
}
