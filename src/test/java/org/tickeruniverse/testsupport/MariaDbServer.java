package org.tickeruniverse.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testcontainers.mariadb.MariaDBContainer;

/**
 * A real MariaDB server for tests (see {@link StoreServer} for which one and its life). Ours: user
 * {@code root} with an empty password, utf8mb4, time zone {@code +00:00}, data copied from a
 * template data directory made once per JVM; data survives {@link #stop()}/{@link #start()}. The
 * database {@code ticker_universe} named in {@link #url()} is created by the service, not here.
 * Usually a parameter through {@link RealServers @RealServers}.
 */
public final class MariaDbServer extends StoreServer {

  public static final String DATABASE = "ticker_universe";

  /**
   * Test-only, on top of the shared flags of local-stores.sh: small InnoDB files (the template is
   * copied for every server) and commits that need not reach the disk before they return (a test
   * server's data is thrown away), which makes the tests' writes fast.
   */
  private static final List<String> SIZES =
      List.of("--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M");

  private static final List<String> TEST_FLAGS =
      Stream.concat(SIZES.stream(), Stream.of("--innodb-flush-log-at-trx-commit=2")).toList();

  private static Path template;

  private final String user;
  private final String password;

  private MariaDbServer(String host, int port, String user, String password) {
    super("mariadb", TEST_FLAGS, host, port);
    this.user = user;
    this.password = password;
  }

  /**
   * {@code TU_TEST_MYSQL_URL} (host, port and credentials; the database is ours), else a {@code
   * mariadb:10.11} container with Docker, else a process of ours.
   */
  public static MariaDbServer create() {
    String url = env("TU_TEST_MYSQL_URL");
    if (url != null) {
      URI uri = URI.create(url);
      String[] info = (uri.getRawUserInfo() == null ? "root" : uri.getRawUserInfo()).split(":", 2);
      return answering(
          new MariaDbServer(
              uri.getHost(),
              uri.getPort() > 0 ? uri.getPort() : 3306,
              dec(info[0]),
              info.length > 1 ? dec(info[1]) : ""));
    }
    if (dockerAvailable()) {
      List<String> flags =
          new ArrayList<>(run("bash", LOCAL_STORES.toString(), "mariadb-flags").lines().toList());
      flags.addAll(TEST_FLAGS);
      MariaDbServer m = new MariaDbServer(null, 0, "root", "");
      m.startContainer(
          new MariaDBContainer("mariadb:10.11")
              .withUsername("root")
              .withPassword("")
              .withCommand(flags.toArray(String[]::new)),
          3306);
      return m;
    }
    return local();
  }

  /** Always a process of ours. */
  public static MariaDbServer local() {
    MariaDbServer m = new MariaDbServer(null, 0, "root", "");
    Path data = tempDataDir("mariadb-");
    run("cp", "-a", template() + "/.", data.toString());
    m.startLocal(data);
    return m;
  }

  /** The data directory {@code local-stores.sh mariadb-init} makes once; copied for each server. */
  private static synchronized Path template() {
    if (template == null) {
      Path dir = tempDataDir("mariadb-template-");
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> run("rm", "-rf", dir.getParent().toString())));
      List<String> init = new ArrayList<>(List.of("bash", LOCAL_STORES.toString(), "mariadb-init"));
      init.add(dir.resolve("t").toString());
      init.addAll(SIZES);
      run(init.toArray(String[]::new));
      template = dir.resolve("t");
    }
    return template;
  }

  /**
   * {@code mysql://USER[:PASSWORD]@HOST:PORT/ticker_universe}, the form of {@code TU_MYSQL_URL}.
   */
  public String url() {
    String pw = password.isEmpty() ? "" : ":" + enc(password);
    return "mysql://" + enc(user) + pw + "@" + host() + ":" + port() + "/" + DATABASE;
  }

  /** {@code jdbc:mariadb://HOST:PORT/DB?user=…}; {@code db} empty for no default database. */
  public String jdbcUrl(String db) {
    String pw = password.isEmpty() ? "" : "&password=" + enc(password);
    return String.format(
        "jdbc:mariadb://%s:%d/%s?user=%s%s&connectTimeout=2000&socketTimeout=30000",
        host(), port(), db, enc(user), pw);
  }

  /** A connection whose default database is {@link #DATABASE} once the service created it. */
  private Connection connect() throws SQLException {
    try {
      return DriverManager.getConnection(jdbcUrl(DATABASE));
    } catch (SQLException e) {
      return DriverManager.getConnection(jdbcUrl(""));
    }
  }

  /** One SQL statement; qualify table names (e.g. {@code ticker_universe.ticker_universe}). */
  public void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + this + ": " + sql + ": " + e, e);
    }
  }

  /** Every row of a query, each column as {@code ResultSet.getString} (SQL NULL as null). */
  public List<List<String>> query(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + this + ": " + sql + ": " + e, e);
    }
  }

  @Override
  public boolean ping() {
    try {
      return query("SELECT 1").equals(List.of(List.of("1")));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
