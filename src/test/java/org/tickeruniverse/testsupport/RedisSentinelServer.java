package org.tickeruniverse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A local Redis Sentinel set-up of {@link RedisServer} processes of ours: a master, one replica and
 * sentinels with a majority quorum, ready once they know the master, see a promotable replica and
 * know each other.
 */
public final class RedisSentinelServer implements AutoCloseable {

  public static final String MASTER_NAME = "mymaster";

  private final List<RedisServer> data = new ArrayList<>();
  private final List<RedisServer> sentinels = new ArrayList<>();

  private RedisSentinelServer() {}

  public static RedisSentinelServer start() {
    return start(1, 2000, 10000);
  }

  /** {@code count} sentinels, with a drill's timings of {@code sentinel.conf}. */
  public static RedisSentinelServer start(
      int count, int downAfterMillis, int failoverTimeoutMillis) {
    RedisSentinelServer s = new RedisSentinelServer();
    try {
      RedisServer first = RedisServer.local();
      s.data.add(first);
      s.data.add(RedisServer.local("--replicaof", StoreServer.HOST, String.valueOf(first.port())));
      for (int i = 0; i < count; i++) {
        Path dir = StoreServer.tempDataDir("sentinel-");
        // the sentinel rewrites this file as it learns the topology
        Files.writeString(
            dir.resolve("sentinel.conf"),
            String.format(
                "sentinel monitor %1$s 127.0.0.1 %2$d %3$d%n"
                    + "sentinel down-after-milliseconds %1$s %4$d%n"
                    + "sentinel failover-timeout %1$s %5$d%nsentinel parallel-syncs %1$s 1%n",
                MASTER_NAME, first.port(), count / 2 + 1, downAfterMillis, failoverTimeoutMillis));
        s.sentinels.add(RedisServer.local("sentinel", dir, List.of()));
      }
      s.awaitHealthy(first.port());
      for (RedisServer sentinel : s.sentinels) { // several elect the one that fails over
        StoreServer.awaitReady(
            () ->
                ((List<?>) sentinel.command("SENTINEL", "SENTINELS", MASTER_NAME)).size()
                    >= count - 1,
            () -> sentinel + " does not know the other sentinels");
      }
      return s;
    } catch (IOException e) {
      s.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /** The sentinel knows the master and sees a replica it could promote. */
  private void awaitHealthy(int masterPort) {
    StoreServer.awaitReady(
        () -> {
          List<?> replicas = (List<?>) sentinel().command("SENTINEL", "REPLICAS", MASTER_NAME);
          return masterPort() == masterPort
              && replicas.stream().anyMatch(r -> flags((List<?>) r).equals("slave"));
        },
        () -> "the sentinel does not see master " + masterPort + " with a healthy replica");
  }

  private static String flags(List<?> fields) {
    int i = fields.indexOf("flags");
    return i < 0 ? "" : String.valueOf(fields.get(i + 1));
  }

  private RedisServer sentinel() {
    return sentinels.get(0);
  }

  /** {@code redis-sentinel://127.0.0.1:S[,…]/mymaster}, a {@code TU_REDIS_URL}. */
  public String url() {
    return sentinels.stream()
        .map(s -> s.host() + ":" + s.port())
        .collect(Collectors.joining(",", "redis-sentinel://", "/" + MASTER_NAME));
  }

  /** The port of the current master, as the sentinel reports it. */
  public int masterPort() {
    List<?> addr = (List<?>) sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt(String.valueOf(addr.get(1)));
  }

  /** The current master (changes after {@link #failover()}). */
  public RedisServer master() {
    return data.get(0).port() == masterPort() ? data.get(0) : data.get(1);
  }

  private RedisServer replica() {
    return master() == data.get(0) ? data.get(1) : data.get(0);
  }

  /** Waits until the replica acknowledged every write (replication is asynchronous). */
  public void awaitReplicated() {
    StoreServer.awaitReady(
        () -> (Long) master().command("WAIT", "1", "1000") >= 1, () -> "replication lags");
  }

  /**
   * {@code SENTINEL FAILOVER}; returns once the replica answers as master and the sentinel sees the
   * demoted one as a healthy replica again (so a second failover can follow).
   */
  public void failover() {
    RedisServer before = master();
    RedisServer promoted = replica();
    StoreServer.awaitReady(
        () -> {
          try {
            return "OK".equals(sentinel().command("SENTINEL", "FAILOVER", MASTER_NAME));
          } catch (IllegalStateException e) {
            // NOGOODSLAVE while the sentinel's view of the replica is not fresh yet: ask again
            return String.valueOf(e.getMessage()).contains("INPROG");
          }
        },
        () -> "SENTINEL FAILOVER was not accepted");
    StoreServer.awaitReady(
        () ->
            masterPort() == promoted.port()
                && "master".equals(((List<?>) promoted.command("ROLE")).get(0))
                && "slave".equals(((List<?>) before.command("ROLE")).get(0)),
        () -> "no failover to " + promoted);
    awaitHealthy(promoted.port());
  }

  @Override
  public void close() {
    sentinels.forEach(RedisServer::close);
    data.forEach(RedisServer::close);
  }
}
