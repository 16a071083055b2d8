package org.tickeruniverse.testsupport;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.mariadb.MariaDBContainer;
import org.tickeruniverse.testsupport.ServerSupport.ServerStartException;

/** The three kinds of {@link MariaDbServer}: external, Docker container, local process. */
final class MariaDbServers {

  private MariaDbServers() {}

  /** Server options shared by our own processes and containers, so both behave alike. */
  static final List<String> COMMON_SERVER_OPTIONS =
      List.of(
          "--character-set-server=utf8mb4",
          "--collation-server=utf8mb4_general_ci",
          "--default-time-zone=+00:00",
          "--skip-log-bin",
          "--innodb-flush-log-at-trx-commit=2");

  // ====================================================================== JDBC part shared by all
  // kinds

  abstract static class Base extends ServerHandle implements MariaDbServer {
    private final String database;

    Base(String database) {
      if (database == null || database.isBlank()) {
        throw new IllegalArgumentException("database name is empty");
      }
      this.database = database;
    }

    @Override
    public String database() {
      return database;
    }

    /** Ours, container or process, are set up so; an external server says otherwise. */
    @Override
    public String user() {
      return "root";
    }

    @Override
    public String password() {
      return "";
    }

    @Override
    public String url(String db) {
      String pw = password();
      String userInfo = enc(user()) + (pw == null || pw.isEmpty() ? "" : ":" + enc(pw));
      return "mysql://" + userInfo + "@" + host() + ":" + port() + "/" + db;
    }

    @Override
    public String jdbcUrl(String db) {
      String pw = password();
      return "jdbc:mariadb://"
          + host()
          + ":"
          + port()
          + "/"
          + (db == null ? "" : db)
          + "?user="
          + enc(user())
          + (pw == null || pw.isEmpty() ? "" : "&password=" + enc(pw))
          + "&connectTimeout=2000";
    }

    /** A connection with {@link #database()} as default database when it exists. */
    Connection connect() throws SQLException {
      Connection c = DriverManager.getConnection(jdbcUrl(""));
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
        ps.setString(1, database);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            c.setCatalog(database);
          }
        }
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      return c;
    }

    @Override
    public void execute(String sql) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(
            "SQL failed on " + this + ": " + sql + ": " + e.getMessage(), e);
      }
    }

    @Override
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
        throw new IllegalStateException(
            "SQL failed on " + this + ": " + sql + ": " + e.getMessage(), e);
      }
    }

    @Override
    public boolean ping() {
      try (Connection c = DriverManager.getConnection(jdbcUrl("") + "&socketTimeout=2000");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1")) {
        return rs.next() && rs.getInt(1) == 1;
      } catch (SQLException e) {
        return false;
      }
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  // ====================================================================== external

  /** A server named by {@code TU_TEST_MYSQL_URL}; its path (database) is ignored, ours is used. */
  static final class External extends Base {
    private final String user;
    private final String password;

    External(String url, String database) {
      super(database);
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("TU_TEST_MYSQL_URL has no host: " + url);
      }
      String host = uri.getHost();
      int port = uri.getPort() > 0 ? uri.getPort() : 3306;
      String info = uri.getRawUserInfo();
      if (info == null || info.isEmpty()) {
        user = "root";
        password = "";
      } else {
        int colon = info.indexOf(':');
        user = dec(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? "" : dec(info.substring(colon + 1));
      }
      lifecycle(ServerLifecycle.external("external MariaDB", "TU_TEST_MYSQL_URL", host, port));
      if (!ping()) {
        throw new ServerStartException("TU_TEST_MYSQL_URL=" + url + " does not answer SELECT 1");
      }
    }

    @Override
    public String user() {
      return user;
    }

    @Override
    public String password() {
      return password;
    }
  }

  // ====================================================================== container

  /** A {@code mariadb:10.11} container with a fixed host port, so that a restart keeps the port. */
  static final class Container extends Base {
    Container(String database) {
      super(database);
      MariaDBContainer mariadb =
          new MariaDBContainer("mariadb:10.11").withUsername("root").withPassword("");
      mariadb.withCommand(COMMON_SERVER_OPTIONS.toArray(new String[0]));
      ContainerHandle container =
          new ContainerHandle("MariaDB container", mariadb, 3306, this::ping);
      lifecycle(container);
      container.startFirst();
    }
  }

  // ====================================================================== local process

  private static final Object TEMPLATE_LOCK = new Object();
  private static Path templateRoot;
  private static Path templateDir;
  private static RuntimeException templateFailure;

  /** Small InnoDB files: the template is copied for every server. */
  private static final List<String> INNODB_SIZES =
      List.of("--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M");

  /** The data directory made by {@code mariadb-install-db} once per JVM; copied for each server. */
  static Path template() {
    synchronized (TEMPLATE_LOCK) {
      if (templateDir != null) {
        return templateDir;
      }
      if (templateFailure != null) {
        throw templateFailure;
      }
      ServerSupport.installHook();
      Path root = ServerSupport.createTempDir("tu-mariadb-template-");
      templateRoot = root; // deleted by the shutdown hook of ServerSupport
      Path dir = root.resolve("data");
      Path log = root.resolve("install.log");
      try {
        Path installDb =
            ServerSupport.findBinary(
                ServerSupport.INSTALL_HINT, "mariadb-install-db", "mysql_install_db");
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    installDb.toString(),
                    "--no-defaults",
                    "--datadir=" + dir,
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db"));
        cmd.addAll(INNODB_SIZES);
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .redirectInput(Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          ServerSupport.terminate(p, Duration.ofSeconds(5));
          throw new ServerStartException(
              "mariadb-install-db did not finish within 120 s. "
                  + "Last lines of "
                  + log
                  + ":"
                  + System.lineSeparator()
                  + ServerSupport.tail(log, 40));
        }
        if (p.exitValue() != 0) {
          throw new ServerStartException(
              "mariadb-install-db failed with status "
                  + p.exitValue()
                  + ": "
                  + cmd
                  + System.lineSeparator()
                  + "Last lines of "
                  + log
                  + ":"
                  + System.lineSeparator()
                  + ServerSupport.tail(log, 40));
        }
        templateDir = dir;
        return dir;
      } catch (IOException e) {
        templateFailure = new ServerStartException("cannot run mariadb-install-db", e);
        throw templateFailure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException("interrupted while running mariadb-install-db", e);
      } catch (RuntimeException e) {
        templateFailure = e;
        throw e;
      }
    }
  }

  static void deleteTemplate() {
    synchronized (TEMPLATE_LOCK) {
      ServerSupport.deleteRecursively(templateRoot);
      templateRoot = null;
      templateDir = null;
    }
  }

  /** A {@code mariadbd} process of our own. */
  static final class Local extends Base {
    private final Path binary;
    private final LocalProcess process;
    private final Path dataDir;
    private final Path socket;

    Local(String database) {
      super(database);
      binary = ServerSupport.findBinary(ServerSupport.INSTALL_HINT, "mariadbd", "mysqld");
      process =
          new LocalProcess(
              "mariadbd", "tu-mariadb-", "mariadbd.log", this::commandLine, this::ping);
      lifecycle(process);
      Path root = process.root();
      dataDir = root.resolve("data");
      Path sock = dataDir.resolve("s.sock");
      // a unix socket path must fit in 108 bytes; java.io.tmpdir may be deep
      socket =
          sock.toString().length() < 100
              ? sock
              : Paths.get("/tmp", "tu-" + root.getFileName() + ".sock");
      process.deleteOnClose(socket);
      try {
        ServerSupport.copyRecursively(template(), dataDir);
        process.startOnFreePort("Address already in use", "Do you already have");
      } catch (RuntimeException | Error e) {
        process.close();
        throw e;
      }
    }

    private List<String> commandLine(int port) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  binary.toString(),
                  "--no-defaults",
                  "--datadir=" + dataDir,
                  "--socket=" + socket,
                  "--pid-file=" + process.root().resolve("mariadbd.pid"),
                  "--port=" + port,
                  "--bind-address=" + LocalProcess.HOST,
                  "--skip-name-resolve"));
      if (ServerSupport.runningAsRoot()) {
        cmd.add("--user=root");
      }
      cmd.addAll(INNODB_SIZES);
      cmd.addAll(COMMON_SERVER_OPTIONS);
      return cmd;
    }
  }
}
