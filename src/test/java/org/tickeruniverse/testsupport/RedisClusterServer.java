package org.tickeruniverse.testsupport;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.tickeruniverse.testsupport.ServerSupport.ServerStartException;

/**
 * A local Redis Cluster of {@code masters} masters and no replicas, for tests: one {@code
 * redis-server --cluster-enabled yes} process per master, each on a free loopback port with its
 * cluster bus on another free port and a temporary directory, joined with {@code redis-cli
 * --cluster create … --cluster-replicas 0 --cluster-yes}, ready once every node reports {@code
 * cluster_state:ok}. {@link #close()} stops each process by its pid (also from the JVM shutdown
 * hook when a test run ends without closing it) and deletes the directories.
 *
 * <pre>{@code
 * try (RedisClusterServer cluster = RedisClusterServer.start(3)) {
 *   cluster.url();   // redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
 * }
 * }</pre>
 */
public final class RedisClusterServer implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  private final List<RedisServer> nodes = new ArrayList<>();
  private boolean closed;

  private RedisClusterServer() {}

  /** Starts and joins {@code masters} (at least 3, as Redis Cluster requires) masters. */
  public static RedisClusterServer start(int masters) {
    if (masters < 3) {
      throw new IllegalArgumentException("Redis Cluster needs at least 3 masters");
    }
    RedisClusterServer cluster = new RedisClusterServer();
    ServerSupport.register(cluster);
    try {
      for (int i = 0; i < masters; i++) {
        cluster.nodes.add(
            RedisServer.local(
                "--cluster-enabled", "yes",
                "--cluster-config-file",
                    "nodes.conf", // relative to --dir: the node's own directory
                "--cluster-port", String.valueOf(ServerSupport.freePort()),
                "--cluster-node-timeout", "5000"));
      }
      cluster.create();
      cluster.awaitOk();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void create() {
    Path cli = ServerSupport.findBinary(ServerSupport.INSTALL_HINT, "redis-cli");
    List<String> cmd = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
    nodes.forEach(n -> cmd.add(HOST + ":" + n.port()));
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Path log;
    try {
      log = Files.createTempFile("tu-redis-cluster-create", ".log");
    } catch (IOException e) {
      throw new ServerStartException("cannot create a log file", e);
    }
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.to(log.toFile()))
              .redirectInput(Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ServerStartException(
            "redis-cli --cluster create did not finish within 60 s: "
                + ServerSupport.tail(log, 30));
      }
      if (p.exitValue() != 0) {
        throw new ServerStartException(
            "redis-cli --cluster create failed ("
                + p.exitValue()
                + "): "
                + ServerSupport.tail(log, 30));
      }
    } catch (IOException e) {
      throw new ServerStartException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("interrupted while creating the cluster");
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  /** Waits until every node has all 16384 slots assigned, knows every node and says ok. */
  private void awaitOk() {
    for (RedisServer node : nodes) {
      ServerSupport.awaitReady(
          "Redis Cluster node " + node,
          null,
          () -> "CLUSTER INFO: " + info(node),
          Duration.ofSeconds(60),
          () -> {
            String info = info(node);
            return info.contains("cluster_state:ok")
                && info.contains("cluster_slots_assigned:16384")
                && info.contains("cluster_known_nodes:" + nodes.size());
          });
    }
  }

  private static String info(RedisServer node) {
    try {
      return String.valueOf(node.command("CLUSTER", "INFO"));
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…}: the form of {@code TU_REDIS_URL}. */
  public String url() {
    return "redis-cluster://"
        + nodes.stream().map(n -> HOST + ":" + n.port()).collect(Collectors.joining(","));
  }

  /** The masters, each a plain handle for commands on that one node. */
  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  /** The master that owns the hash slot of {@code key}, from {@code CLUSTER SLOTS}. */
  public RedisServer nodeFor(String key) {
    long slot = (Long) nodes.get(0).command("CLUSTER", "KEYSLOT", key);
    for (Object r : (List<?>) nodes.get(0).command("CLUSTER", "SLOTS")) {
      List<?> range = (List<?>) r;
      long port = (Long) ((List<?>) range.get(2)).get(1);
      if (slot >= (Long) range.get(0) && slot <= (Long) range.get(1)) {
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
      }
    }
    throw new IllegalStateException("no node owns slot " + slot);
  }

  /** FLUSHALL on every master. */
  public void flushAll() {
    nodes.forEach(RedisServer::flushAll);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (RedisServer node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    ServerSupport.unregister(this);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "Redis Cluster " + url();
  }
}
