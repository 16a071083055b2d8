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
 * A real MariaDB server for tests (see {@link StoreServer}). Ours: user {@code root} without
 * password, data copied from a template data directory made once per JVM. The database {@code
 * ticker_universe} named in {@link #url()} is created by the service, not here.
 */
public final class MariaDbServer extends StoreServer {

  public static final String DATABASE = "ticker_universe";

  /**
   * Test-only, on top of the flags of local-stores.sh: small InnoDB files (the template is copied
   * for every server), and commits that need not reach the disk (the data is thrown away).
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

  /** {@code TU_TEST_MYSQL_URL}, else a {@code mariadb:10.11} container, else a process of ours. */
  public static MariaDbServer create() {
    String url = env("TU_TEST_MYSQL_URL");
    if (url != null) {
      URI uri = URI.create(url);
      String[] info = (uri.getRawUserInfo() == null ? "root" : uri.getRawUserInfo()).split(":", 2);
      String password = info.length > 1 ? URLDecoder.decode(info[1], StandardCharsets.UTF_8) : "";
      int port = uri.getPort() > 0 ? uri.getPort() : 3306;
      return answering(
          new MariaDbServer(
              uri.getHost(), port, URLDecoder.decode(info[0], StandardCharsets.UTF_8), password));
    }
    if (!dockerAvailable()) {
      return local();
    }
    List<String> flags =
        new ArrayList<>(run("bash", LOCAL_STORES, "mariadb-flags").lines().toList());
    flags.addAll(TEST_FLAGS);
    MariaDbServer m = new MariaDbServer(null, 0, "root", "");
    m.startOurs(
        null,
        new MariaDBContainer("mariadb:10.11")
            .withUsername("root")
            .withPassword("")
            .withCommand(flags.toArray(String[]::new)),
        3306);
    return m;
  }

  /** Always a process of ours. */
  public static MariaDbServer local() {
    MariaDbServer m = new MariaDbServer(null, 0, "root", "");
    Path data = tempDataDir("mariadb-");
    run("cp", "-a", template() + "/.", data.toString());
    m.startOurs(data, null, 0);
    return m;
  }

  /** The data directory {@code local-stores.sh mariadb-init} makes once; copied for each server. */
  private static synchronized Path template() {
    if (template == null) {
      Path dir = tempDataDir("mariadb-template-");
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> run("rm", "-rf", dir.getParent().toString())));
      List<String> init = new ArrayList<>(List.of("bash", LOCAL_STORES, "mariadb-init"));
      init.add(dir.resolve("t").toString());
      init.addAll(SIZES);
      run(init.toArray(String[]::new));
      template = dir.resolve("t");
    }
    return template;
  }

  /** {@code mysql://USER[:PASSWORD]@HOST:PORT/ticker_universe}, a {@code TU_MYSQL_URL}. */
  public String url() {
    String pw = password.isEmpty() ? "" : ":" + enc(password);
    return "mysql://" + enc(user) + pw + "@" + host() + ":" + port() + "/" + DATABASE;
  }

  /** A connection whose default database is {@link #DATABASE} once the service created it. */
  private Connection connect() throws SQLException {
    String url =
        "jdbc:mariadb://%s:%d/%s?user=%s&password=%s&connectTimeout=2000&socketTimeout=30000";
    try {
      return DriverManager.getConnection(
          String.format(url, host(), port(), DATABASE, enc(user), enc(password)));
    } catch (SQLException e) {
      return DriverManager.getConnection(
          String.format(url, host(), port(), "", enc(user), enc(password)));
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
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
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
}
