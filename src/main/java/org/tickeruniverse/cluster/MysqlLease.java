package org.tickeruniverse.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Supplier;

/**
 * A lease in MySQL/MariaDB: a named lock ({@code GET_LOCK(name, 0)}) held by a connection of its
 * own (not one of the pool: closing it must really end it) for as long as the job runs. The
 * server frees the lock when that connection ends — also when the holding process is killed,
 * since the kernel closes its socket — so it needs no TTL.
 *
 * <p>For jobs that touch MySQL only (eviction): a node that runs nothing but them then needs no
 * Redis, and processes that share only the database (not a cluster) still take turns. Named
 * locks are server-wide, not per database, so the name should include the database.
 *
 * <p>Lives on its verticle's event loop, like {@link LeasedJob} (not thread-safe by design).
 */
public final class MysqlLease implements Lease {

  /** MySQL and MariaDB limit lock names to 64 characters. */
  static final int MAX_NAME = 64;

  private final Supplier<Future<SqlConnection>> connect;
  private final String name;
  private SqlConnection held;

  /** @param connect opens a new, unpooled connection, e.g. {@code MySQLConnection.connect(vertx, options)} */
  public MysqlLease(Supplier<Future<SqlConnection>> connect, String name) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException("a lock name has 1-64 characters: " + name);
    }
    this.connect = connect;
    this.name = name;
  }

  @Override
  public Future<Boolean> acquire() {
    if (held != null) {
      return renew();
    }
    return connect.get().compose(conn -> conn.preparedQuery("SELECT GET_LOCK(?, 0)").execute(Tuple.of(name))
        .map(rows -> {
          if (isOne(rows)) {
            held = conn;
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
    return held.preparedQuery("SELECT IS_USED_LOCK(?) = CONNECTION_ID()").execute(Tuple.of(name))
        .map(MysqlLease::isOne);
  }

  @Override
  public Future<Void> release() {
    SqlConnection conn = held;
    held = null;
    if (conn == null) {
      return Future.succeededFuture();
    }
    // Ending the connection frees the lock as well; RELEASE_LOCK first says so explicitly.
    return conn.preparedQuery("SELECT RELEASE_LOCK(?)").execute(Tuple.of(name))
        .<Void>mapEmpty()
        .eventually(conn::close);
  }

  public String name() {
    return name;
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
