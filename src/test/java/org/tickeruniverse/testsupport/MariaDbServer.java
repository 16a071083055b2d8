package org.tickeruniverse.testsupport;

import java.util.List;

/**
 * A real MariaDB server for tests.
 *
 * <p>{@link #create(String)} picks, in this order: the server named by {@code TU_TEST_MYSQL_URL}
 * (environment variable or system property; external, not {@linkplain #controllable()
 * controllable}; only host, port and credentials of that URL are used, the database name is ours);
 * a {@code mariadb:10.11} container when Docker is available (unless {@code
 * TU_TEST_SERVERS=local}); otherwise a {@code mariadbd} process of its own on a free loopback port,
 * with a data directory copied from a template that {@code mariadb-install-db} creates once per
 * JVM. Usually obtained as a parameter through {@link RealServers @RealServers}.
 *
 * <p>The user is {@code root} with an empty password (external: whatever the URL says). The
 * {@linkplain #database() database} named in {@link #url()} is <b>not</b> created here: the
 * application creates it. Own servers run with {@code utf8mb4} and time zone {@code +00:00}.
 *
 * <p>{@link #stop()} / {@link #start()} stop and restart the same server on the same port and data
 * directory (data survives). {@link #close()} ends it for good and deletes its files.
 */
public interface MariaDbServer extends AutoCloseable {

  /** The database name used by {@link #url()} when the test support was not told otherwise. */
  String DEFAULT_DATABASE = "ticker_universe";

  /** {@code mysql://root@HOST:PORT/DATABASE} — the form of {@code TU_MYSQL_URL}. */
  default String url() {
    return url(database());
  }

  /** As {@link #url()} with another database name. */
  String url(String database);

  /** The database name of {@link #url()}. */
  String database();

  /**
   * {@code jdbc:mariadb://HOST:PORT/DB?user=...&password=...}; {@code db} may be {@code null} or
   * empty for a connection without a default database.
   */
  String jdbcUrl(String db);

  String host();

  int port();

  String user();

  /** The password, empty for our own servers. */
  String password();

  /**
   * False for an external server ({@code TU_TEST_MYSQL_URL}): {@link #stop()} and {@link #start()}
   * then throw.
   */
  boolean controllable();

  /**
   * Stops the server (gracefully); afterwards its port refuses connections. No-op when already
   * stopped.
   */
  void stop();

  /**
   * Starts the stopped server again on the same port and data directory, and waits for {@code
   * SELECT 1}.
   */
  void start();

  /**
   * Runs one SQL statement through JDBC. The connection's default database is {@link #database()}
   * when that exists, none otherwise (qualify names, e.g. {@code ticker_universe.ticker_universe}).
   */
  void execute(String sql);

  /**
   * Runs a query through JDBC and returns every row as a list of column values as strings ({@code
   * ResultSet.getString}, SQL NULL as {@code null}). Default database as for {@link #execute}.
   */
  List<List<String>> query(String sql);

  /** True when the server currently answers {@code SELECT 1}. */
  boolean ping();

  /**
   * Stops the server for good and deletes its temporary files (no-op for an external server).
   * Idempotent.
   */
  @Override
  void close();

  /**
   * A server chosen by the resolution order above, ready, whose {@link #url()} names {@code
   * database}.
   */
  static MariaDbServer create(String database) {
    String url = ServerSupport.env("TU_TEST_MYSQL_URL");
    if (url != null) {
      return new MariaDbServers.External(url, database);
    }
    if (ServerSupport.dockerAvailable()) {
      return new MariaDbServers.Container(database);
    }
    return new MariaDbServers.Local(database);
  }

  /** {@link #create(String)} with {@link #DEFAULT_DATABASE}. */
  static MariaDbServer create() {
    return create(DEFAULT_DATABASE);
  }

  /** Always a {@code mariadbd} process of its own (never external or Docker). */
  static MariaDbServer local(String database) {
    return new MariaDbServers.Local(database);
  }
}
