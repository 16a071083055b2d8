package org.tickeruniverse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@RealServers
class RealServersExtensionIT {

  private static RedisServer redisInBeforeAll;
  private static MariaDbServer mariadbInBeforeAll;

  private final RedisServer redisInConstructor;
  private RedisServer redisInBeforeEach;

  RealServersExtensionIT(RedisServer redis, MariaDbServer mariadb) {
    this.redisInConstructor = redis;
    assertThat(mariadb).isNotNull();
  }

  @BeforeAll
  static void beforeAll(RedisServer redis, MariaDbServer mariadb) {
    redisInBeforeAll = redis;
    mariadbInBeforeAll = mariadb;
  }

  @BeforeEach
  void beforeEach(RedisServer redis) {
    redisInBeforeEach = redis;
    redis.flushAll();
  }

  @Test
  void sameServersForConstructorLifecycleMethodsAndTests(RedisServer redis, MariaDbServer mariadb) {
    assertThat(redis)
        .isSameAs(redisInBeforeAll)
        .isSameAs(redisInConstructor)
        .isSameAs(redisInBeforeEach);
    assertThat(mariadb).isSameAs(mariadbInBeforeAll);
  }

  @Test
  void redisAnswersPingOnAPlainSocket(RedisServer redis) throws IOException {
    assertThat(redis.url()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
    try (Socket s = new Socket(redis.host(), redis.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] answer = new byte[7];
      int n = in.readNBytes(answer, 0, 7);
      assertThat(new String(answer, 0, n, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void redisCommandsAndFlushAll(RedisServer redis) {
    assertThat(redis.command("SADD", "ticker_universe:buffer:300", "AAPL", "VOD.L", "AAPL"))
        .isEqualTo(2L);
    assertThat(redis.command("SMEMBERS", "ticker_universe:buffer:300"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrder("AAPL", "VOD.L");
    assertThat(redis.command("GET", "missing")).isNull();
    assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ERR");
    redis.flushAll();
    assertThat(redis.command("DBSIZE")).isEqualTo(0L);
    assertThat(redis.ping()).isTrue();
  }

  @Test
  void mariaDbAnswersSelect1(MariaDbServer mariadb) throws Exception {
    assertThat(mariadb.url())
        .isEqualTo("mysql://root@" + mariadb.host() + ":" + mariadb.port() + "/ticker_universe");
    assertThat(mariadb.database()).isEqualTo("ticker_universe");
    assertThat(mariadb.query("SELECT 1")).containsExactly(List.of("1"));
    try (Connection c = DriverManager.getConnection(mariadb.jdbcUrl(""));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void ownServersUseUtf8mb4AndUtc(MariaDbServer mariadb) {
    assumeTrue(mariadb.controllable(), "external server: its settings are not ours");
    assertThat(mariadb.query("SELECT @@character_set_server, @@time_zone"))
        .containsExactly(List.of("utf8mb4", "+00:00"));
  }

  @Test
  void executeAndQueryUseTheDatabaseOnceItExists(MariaDbServer mariadb) {
    String db = "tu_support_exec";
    mariadb.execute("DROP DATABASE IF EXISTS " + db);
    mariadb.execute("CREATE DATABASE " + db);
    try {
      mariadb.execute("CREATE TABLE " + db + ".t (k VARCHAR(8) PRIMARY KEY, v INT NULL)");
      mariadb.execute("INSERT INTO " + db + ".t VALUES ('a', 1), ('b', NULL)");
      assertThat(mariadb.query("SELECT k, v FROM " + db + ".t ORDER BY k"))
          .containsExactly(List.of("a", "1"), java.util.Arrays.asList("b", null));
    } finally {
      mariadb.execute("DROP DATABASE " + db);
    }
    assertThatThrownBy(() -> mariadb.execute("SELECT * FROM no_such_db.t"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_db");
  }

  @Test
  void redisStopRefusesConnectionsAndStartComesBackOnTheSamePort(RedisServer redis) {
    assumeTrue(redis.controllable(), "external server");
    int port = redis.port();
    String url = redis.url();
    redis.stop();
    assertRefused(redis.host(), port);
    assertThat(redis.ping()).isFalse();
    redis.stop(); // idempotent
    redis.start();
    assertThat(redis.port()).isEqualTo(port);
    assertThat(redis.url()).isEqualTo(url);
    assertThat(redis.ping()).isTrue();
    redis.start(); // idempotent
  }

  @Test
  void mariaDbStopRefusesConnectionsAndStartComesBackOnTheSamePortWithItsData(
      MariaDbServer mariadb) {
    assumeTrue(mariadb.controllable(), "external server");
    int port = mariadb.port();
    mariadb.execute("CREATE DATABASE IF NOT EXISTS tu_support_restart");
    mariadb.execute("CREATE TABLE IF NOT EXISTS tu_support_restart.t (k INT PRIMARY KEY)");
    mariadb.execute("REPLACE INTO tu_support_restart.t VALUES (42)");
    mariadb.stop();
    assertRefused(mariadb.host(), port);
    assertThat(mariadb.ping()).isFalse();
    mariadb.start();
    assertThat(mariadb.port()).isEqualTo(port);
    assertThat(mariadb.query("SELECT k FROM tu_support_restart.t")).containsExactly(List.of("42"));
    mariadb.execute("DROP DATABASE tu_support_restart");
  }

  @Nested
  class NestedClass {
    @Test
    void sharesTheServersOfTheEnclosingClass(RedisServer redis, MariaDbServer mariadb) {
      assertThat(redis).isSameAs(redisInBeforeAll);
      assertThat(mariadb).isSameAs(mariadbInBeforeAll);
      assertThat(redis.ping()).isTrue();
      assertThat(mariadb.ping()).isTrue();
    }
  }

  static void assertRefused(String host, int port) {
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }
}
