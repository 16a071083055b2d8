package org.tickeruniverse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The handles outside the extension: external URLs, extra arguments, clean-up. */
class ServerHandlesIT {

  @Test
  void localRedisWithExtraArgumentsAndCleanUp() {
    RedisServer redis = RedisServer.local("--requirepass", "s3cret");
    try {
      assertThat(redis.url()).isEqualTo("redis://:s3cret@127.0.0.1:" + redis.port());
      assertThat(redis.ping()).isTrue();
      assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
    } finally {
      redis.close();
      redis.close(); // idempotent
    }
    RealServersExtensionIT.assertRefused("127.0.0.1", redis.port());
    assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void externalUrlsAreUsedAndNotControllable() {
    try (RedisServer ownRedis = RedisServer.local();
        MariaDbServer ownMariaDb = MariaDbServer.local("x")) {
      System.setProperty("TU_TEST_REDIS_URL", ownRedis.url());
      System.setProperty(
          "TU_TEST_MYSQL_URL", "mysql://root@127.0.0.1:" + ownMariaDb.port() + "/ignored");
      try (RedisServer redis = RedisServer.create();
          MariaDbServer mariadb = MariaDbServer.create("tu_ext")) {
        assertThat(redis.controllable()).isFalse();
        assertThat(redis.url()).isEqualTo(ownRedis.url());
        assertThat(redis.port()).isEqualTo(ownRedis.port());
        assertThat(redis.ping()).isTrue();
        assertThatThrownBy(redis::stop).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(redis::start).isInstanceOf(UnsupportedOperationException.class);

        assertThat(mariadb.controllable()).isFalse();
        assertThat(mariadb.url())
            .isEqualTo("mysql://root@127.0.0.1:" + ownMariaDb.port() + "/tu_ext");
        assertThat(mariadb.query("SELECT 1")).containsExactly(List.of("1"));
        assertThatThrownBy(mariadb::stop).isInstanceOf(UnsupportedOperationException.class);
      }
      // closing an external handle leaves the server running
      assertThat(ownRedis.ping()).isTrue();
      assertThat(ownMariaDb.ping()).isTrue();
    } finally {
      System.clearProperty("TU_TEST_REDIS_URL");
      System.clearProperty("TU_TEST_MYSQL_URL");
    }
  }

  @Test
  void aServerThatCannotStartFailsWithTheTailOfItsLog() throws Exception {
    long before;
    try (var dirs =
        java.nio.file.Files.list(java.nio.file.Paths.get(System.getProperty("java.io.tmpdir")))) {
      before = dirs.filter(p -> p.getFileName().toString().startsWith("tu-redis-")).count();
    }
    assertThatThrownBy(() -> RedisServer.local("--no-such-directive", "1"))
        .hasMessageContaining("exited with status")
        .hasMessageContaining("no-such-directive");
    try (var dirs =
        java.nio.file.Files.list(java.nio.file.Paths.get(System.getProperty("java.io.tmpdir")))) {
      assertThat(dirs.filter(p -> p.getFileName().toString().startsWith("tu-redis-")).count())
          .as("temporary directory of the failed server is deleted")
          .isEqualTo(before);
    }
  }

  @Test
  void externalUrlThatDoesNotAnswerFailsClearly() {
    int port = ServerSupport.freePort();
    assertThatThrownBy(() -> new RedisServers.External("redis://127.0.0.1:" + port))
        .hasMessageContaining("does not answer PING");
    assertThatThrownBy(
            () -> new MariaDbServers.External("mysql://root@127.0.0.1:" + port + "/x", "x"))
        .hasMessageContaining("does not answer SELECT 1");
  }
}
