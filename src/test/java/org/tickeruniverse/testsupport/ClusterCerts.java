package org.tickeruniverse.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CA and node certificates for the encrypted event bus, made by {@code scripts/cluster-certs.sh}:
 * the tests use exactly what an operator is told to run.
 */
public record ClusterCerts(Path dir) {

  /** Makes (or extends) the CA in {@code dir} and one key and certificate per node. */
  public static ClusterCerts make(Path dir, String... nodes)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("scripts/cluster-certs.sh", dir.toString()));
    cmd.addAll(List.of(nodes));
    StoreServer.run(cmd.toArray(String[]::new));
    return new ClusterCerts(dir);
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  public Path cert(String node) {
    return dir.resolve(node + ".pem");
  }

  public Path key(String node) {
    return dir.resolve(node + "-key.pem");
  }

  /** The command-line settings that give {@code node} this CA's TLS. */
  public List<String> args(String node) {
    return List.of(
        "--cluster.tlsCert=" + cert(node),
        "--cluster.tlsKey=" + key(node),
        "--cluster.tlsCa=" + ca());
  }

  /** The same as environment variables, for a node in a process of its own. */
  public Map<String, String> env(String node) {
    return TestConfigs.env(args(node));
  }
}
