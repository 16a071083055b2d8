package org.tickeruniverse.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A local Redis Cluster of masters only, each a {@link RedisServer} process of ours. */
public final class RedisClusterServer implements AutoCloseable {

  private final List<RedisServer> nodes = new ArrayList<>();

  private RedisClusterServer() {}

  /** Starts {@code masters} (3 at least), joins them, and waits for {@code cluster_state:ok}. */
  public static RedisClusterServer start(int masters) {
    RedisClusterServer cluster = new RedisClusterServer();
    try {
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      for (int i = 0; i < masters; i++) {
        RedisServer node =
            RedisServer.local(
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", // in the node's own --dir
                "--cluster-port", String.valueOf(TestConfigs.freePort()),
                "--cluster-node-timeout", "5000");
        cluster.nodes.add(node);
        create.add(node.host() + ":" + node.port());
      }
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      StoreServer.run(create.toArray(String[]::new));
      for (RedisServer node : cluster.nodes) {
        StoreServer.awaitReady(
            () -> {
              String info = String.valueOf(node.command("CLUSTER", "INFO"));
              return info.contains("cluster_state:ok")
                  && info.contains("cluster_slots_assigned:16384")
                  && info.contains("cluster_known_nodes:" + masters);
            },
            () -> node + " did not report cluster_state:ok");
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…}, a {@code TU_REDIS_URL}. */
  public String url() {
    return nodes.stream()
        .map(n -> n.host() + ":" + n.port())
        .collect(Collectors.joining(",", "redis-cluster://", ""));
  }

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

  public void flushAll() {
    nodes.forEach(RedisServer::flushAll);
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }
}
