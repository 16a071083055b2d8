package org.tickeruniverse.testsupport;

import static org.tickeruniverse.testsupport.ServerSupport.READY_DEADLINE;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A local Redis Sentinel set-up for tests: a master, one replica of it (so that a failover has
 * somewhere to go) and one sentinel monitoring the master with quorum 1 — or, with {@link
 * #start(int, int, int)}, several sentinels with a majority quorum and the timings of a drill —
 * each a process of its own on a free loopback port with a temporary directory. Ready once the
 * sentinels know the master, see the replica as healthy and (several) know each other. {@link
 * #close()} stops them all by pid (also from the JVM shutdown hook) and deletes their directories.
 *
 * <pre>{@code
 * try (RedisSentinelServer sentinel = RedisSentinelServer.start()) {
 *   sentinel.url();       // redis-sentinel://127.0.0.1:S/mymaster
 *   sentinel.failover();  // SENTINEL FAILOVER, returns once the replica is the master
 * }
 * }</pre>
 */
public final class RedisSentinelServer implements AutoCloseable {

  public static final String MASTER_NAME = "mymaster";
  private static final String HOST = "127.0.0.1";

  private RedisServer first;
  private RedisServer second;
  private Path root;
  private Path log;
  private Process sentinel;
  private int port;
  private RedisCommands resp;
  private boolean closed;
  private final java.util.List<Process> others = new java.util.ArrayList<>();
  private final java.util.List<Integer> otherPorts = new java.util.ArrayList<>();
  private int quorum = 1;
  private int downAfterMillis = 2000;
  private int failoverTimeoutMillis = 10000;

  private RedisSentinelServer() {}

  public static RedisSentinelServer start() {
    return start(1, 2000, 10000);
  }

  /**
   * {@code sentinels} sentinels with a majority quorum; a master is down after {@code
   * downAfterMillis} without an answer, and a failover that stalls is retried after {@code
   * failoverTimeoutMillis} (short values make a failover drill take seconds, not a minute).
   */
  public static RedisSentinelServer start(
      int sentinels, int downAfterMillis, int failoverTimeoutMillis) {
    RedisSentinelServer s = new RedisSentinelServer();
    s.quorum = sentinels / 2 + 1;
    s.downAfterMillis = downAfterMillis;
    s.failoverTimeoutMillis = failoverTimeoutMillis;
    ServerSupport.register(s);
    try {
      s.first = RedisServer.local();
      s.second = RedisServer.local("--replicaof", HOST, String.valueOf(s.first.port()));
      s.root = ServerSupport.createTempDir("tu-redis-sentinel-");
      for (int i = 0; i < sentinels; i++) {
        s.launchSentinel(i);
      }
      s.awaitHealthy(s.first.port());
      s.awaitSentinelsKnowEachOther(sentinels);
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  private void launchSentinel(int index) {
    Path binary =
        ServerSupport.findBinary(ServerSupport.INSTALL_HINT, "redis-sentinel", "redis-server");
    Path dir = root.resolve("s" + index);
    Path log = dir.resolve("sentinel.log");
    int port = ServerSupport.freePort();
    RedisCommands resp = new RedisCommands(HOST, port, null, null, 2000);
    Path conf = dir.resolve("sentinel.conf");
    Process sentinel;
    try {
      Files.createDirectories(dir);
      // The sentinel rewrites this file as it learns the topology: it must be writable.
      Files.writeString(
          conf,
          String.join(
              "\n",
              "port " + port,
              "bind " + HOST,
              "dir " + dir,
              "sentinel monitor " + MASTER_NAME + " " + HOST + " " + first.port() + " " + quorum,
              "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfterMillis,
              "sentinel failover-timeout " + MASTER_NAME + " " + failoverTimeoutMillis,
              "sentinel parallel-syncs " + MASTER_NAME + " 1",
              ""));
      sentinel =
          new ProcessBuilder(binary.toString(), conf.toString(), "--sentinel")
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .redirectInput(Redirect.from(new File("/dev/null")))
              .start();
      ServerSupport.recordServer(index == 0 ? root : dir, sentinel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sentinel", e);
    }
    if (index == 0) {
      this.sentinel = sentinel;
      this.port = port;
      this.resp = resp;
      this.log = log;
    } else {
      others.add(sentinel);
      otherPorts.add(port);
    }
    ServerSupport.awaitReady(
        "redis sentinel on " + HOST + ":" + port, sentinel, log, READY_DEADLINE, resp::ping);
  }

  /** Several sentinels elect the one that fails over: each must know the others first. */
  private void awaitSentinelsKnowEachOther(int sentinels) {
    if (sentinels < 2) {
      return;
    }
    java.util.List<Integer> ports = new java.util.ArrayList<>(otherPorts);
    ports.add(0, port);
    for (int p : ports) {
      RedisCommands r = new RedisCommands(HOST, p, null, null, 2000);
      ServerSupport.awaitReady(
          "sentinel " + p + " knows the other sentinels",
          sentinel,
          log,
          READY_DEADLINE,
          () -> {
            try {
              return ((List<?>) r.command("SENTINEL", "SENTINELS", MASTER_NAME)).size()
                  >= sentinels - 1;
            } catch (RuntimeException e) {
              return false;
            }
          });
    }
  }

  /** The sentinel knows the master and sees a replica it could promote. */
  private void awaitHealthy(int expectedMasterPort) {
    ServerSupport.awaitReady(
        "sentinel topology",
        sentinel,
        log,
        READY_DEADLINE,
        () -> {
          try {
            return masterPort() == expectedMasterPort && promotableReplicas() > 0;
          } catch (RuntimeException e) {
            return false;
          }
        });
  }

  private long promotableReplicas() {
    List<?> replicas = (List<?>) resp.command("SENTINEL", "REPLICAS", MASTER_NAME);
    return replicas.stream().map(r -> flags((List<?>) r)).filter(f -> f.equals("slave")).count();
  }

  private static String flags(List<?> fields) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if ("flags".equals(fields.get(i))) {
        return String.valueOf(fields.get(i + 1));
      }
    }
    return "";
  }

  /**
   * {@code redis-sentinel://127.0.0.1:S[,127.0.0.1:S2…]/mymaster}: the form of {@code
   * TU_REDIS_URL}.
   */
  public String url() {
    StringBuilder hosts = new StringBuilder(HOST + ":" + port);
    otherPorts.forEach(p -> hosts.append(',').append(HOST).append(':').append(p));
    return "redis-sentinel://" + hosts + "/" + MASTER_NAME;
  }

  /** The port of the current master, as the sentinel reports it. */
  public int masterPort() {
    List<?> addr = (List<?>) resp.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt(String.valueOf(addr.get(1)));
  }

  /** The current master (changes after {@link #failover()}). */
  public RedisServer master() {
    int m = masterPort();
    return first.port() == m ? first : second;
  }

  /** The current replica. */
  public RedisServer replica() {
    return master() == first ? second : first;
  }

  /**
   * Waits until the replica acknowledged every write the master has (Redis replicates
   * asynchronously: a failover right after a write may otherwise lose it, in production too).
   */
  public void awaitReplicated() {
    ServerSupport.awaitReady(
        "replication to " + replica(),
        null,
        () -> "",
        Duration.ofSeconds(30),
        () -> ((Long) master().command("WAIT", "1", "1000")) >= 1);
  }

  /**
   * {@code SENTINEL FAILOVER}: the replica becomes the master, the old master its replica. Returns
   * once the sentinel reports the new master, the new master answers as master, and the sentinel
   * sees the demoted one as a replica again (so a second failover can follow).
   */
  public void failover() {
    RedisServer before = master();
    RedisServer promoted = replica();
    ServerSupport.awaitReady(
        "SENTINEL FAILOVER accepted",
        sentinel,
        log,
        READY_DEADLINE,
        () -> {
          try {
            return "OK".equals(resp.command("SENTINEL", "FAILOVER", MASTER_NAME));
          } catch (IllegalStateException e) {
            // NOGOODSLAVE while the sentinel's view of the replica is not yet fresh: ask again
            if (String.valueOf(e.getMessage()).contains("INPROG")) {
              return true;
            }
            return false;
          }
        });
    ServerSupport.awaitReady(
        "failover to " + promoted,
        sentinel,
        log,
        READY_DEADLINE,
        () -> {
          try {
            return masterPort() == promoted.port()
                && "master".equals(((List<?>) promoted.command("ROLE")).get(0))
                && "slave".equals(((List<?>) before.command("ROLE")).get(0));
          } catch (RuntimeException e) {
            return false;
          }
        });
    awaitHealthy(promoted.port());
  }

  public int sentinelPort() {
    return port;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (sentinel != null) {
        ServerSupport.terminate(sentinel, Duration.ofSeconds(10));
      }
      for (Process other : others) {
        ServerSupport.terminate(other, Duration.ofSeconds(10));
      }
    } finally {
      ServerSupport.deleteRecursively(root);
      try {
        if (second != null) {
          second.close();
        }
      } finally {
        if (first != null) {
          first.close();
        }
        ServerSupport.unregister(this);
      }
    }
  }

  @Override
  public String toString() {
    return "Redis Sentinel " + url() + " (master " + (first == null ? "?" : first.port()) + ")";
  }
}
