package org.tickeruniverse.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.tickeruniverse.Node;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.UniverseClient;
import org.tickeruniverse.cluster.HazelcastClusterConfig;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.role.StoreNeeds;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.store.Migrations;

/**
 * One node of a test cluster: a Vert.x instance built as {@code Main} builds it (clustered with the
 * shipped Hazelcast configuration when {@code cluster.enabled}), running the verticles its
 * configuration names. Several live in one JVM, each with its own Hazelcast instance; a test gives
 * them one {@link Cluster} (unique name, free loopback ports) so that they find each other and
 * nothing else.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(90);
  private static final HttpClient HTTP = TestHttp.client();

  private final Vertx vertx;
  private final Node node;
  private final ServiceConfig config;
  private boolean closed;

  private ClusterNode(Vertx vertx, Node node, ServiceConfig config) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
  }

  /** Where the nodes of one test cluster meet: a cluster name of its own and a free port range. */
  public record Cluster(String name, int basePort) {

    /** A fresh cluster: unique name, and 10 free consecutive loopback ports for Hazelcast. */
    public static Cluster create() {
      return new Cluster("tu-test-" + UUID.randomUUID(), freePortBlock(10));
    }

    /** Settings that put a node into this cluster (TCP-IP join on 127.0.0.1, never multicast). */
    public List<String> args() {
      return List.of(
          "--cluster.enabled=true",
          "--cluster.name=" + name,
          "--cluster.host=127.0.0.1",
          "--cluster.port=" + basePort,
          "--cluster.members=127.0.0.1");
    }

    /** The same as environment variables, for a node in a process of its own. */
    public Map<String, String> env() {
      return Map.of(
          "TU_CLUSTER_ENABLED",
          "true",
          "TU_CLUSTER_NAME",
          name,
          "TU_CLUSTER_HOST",
          "127.0.0.1",
          "TU_CLUSTER_PORT",
          String.valueOf(basePort),
          "TU_CLUSTER_MEMBERS",
          "127.0.0.1");
    }
  }

  /**
   * Configuration as production loads it, from command-line style settings.
   *
   * @param redisUrl any TU_REDIS_URL form (standalone, sentinel, cluster)
   */
  public static ServiceConfig config(String redisUrl, String mysqlUrl, List<String> settings) {
    List<String> args = new ArrayList<>(List.of("--http.port=0"));
    args.addAll(settings);
    return TestConfigs.forUrls(redisUrl, mysqlUrl, args);
  }

  public static ServiceConfig config(String redisUrl, String mysqlUrl, String... settings) {
    return config(redisUrl, mysqlUrl, Arrays.asList(settings));
  }

  /** Migrates when the node needs MySQL (as Main does), builds Vert.x and deploys the verticles. */
  public static ClusterNode start(ServiceConfig config, Clock clock) throws Exception {
    if (StoreNeeds.of(config.node().verticles()).mysql()) {
      Migrations.migrate(config.mysql());
    }
    Future<Vertx> built =
        config.cluster().enabled()
            ? Vertx.builder()
                .with(
                    new VertxOptions()
                        .setEventBusOptions(HazelcastClusterConfig.eventBus(config.cluster())))
                .withClusterManager(HazelcastClusterConfig.clusterManager(config.cluster()))
                .buildClustered()
            : Future.succeededFuture(Vertx.vertx());
    Vertx vertx = built.await(START.toSeconds(), TimeUnit.SECONDS);
    Node node = new Node(vertx, config, clock);
    try {
      node.deploy().await(START.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    return new ClusterNode(vertx, node, config);
  }

  public Vertx vertx() {
    return vertx;
  }

  public ServiceConfig config() {
    return config;
  }

  /** The typed client on this node (requests go to whichever node serves the address). */
  public UniverseClient client() {
    return UniverseClient.create(vertx, new DeliveryOptions().setSendTimeout(30_000));
  }

  /** This node's own universe snapshot: LIST delivered only to a UniverseVerticle of this node. */
  public JsonObject localList() throws Exception {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.LIST,
            new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000))
        .await(20, TimeUnit.SECONDS)
        .body();
  }

  /**
   * An HTTP request to this node's HTTP verticle (the node must run {@code http} on a fixed port,
   * see {@link TestConfigs#freePort()}), with the caller token; {@code jsonBody} null for none.
   */
  public HttpResponse<byte[]> http(String method, String path, String jsonBody, String... headers)
      throws Exception {
    // A node without the HTTP verticle answers health and metrics on its ops port, if it has one.
    int port =
        config.node().runs(VerticleName.HTTP) || config.node().opsPort() == 0
            ? config.http().port()
            : config.node().opsPort();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TestConfigs.CALLER_TOKEN)
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Undeploys in order and leaves the cluster. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.shutdown().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
    }
  }

  /**
   * Some free consecutive ports on 127.0.0.1 (free a moment ago), drawn below the kernel's
   * ephemeral range (32768 up on Linux), where busy client sockets of other tests cannot sit.
   */
  static int freePortBlock(int count) {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + random.nextInt(12_000 - count);
      boolean free = true;
      for (int p = base; p < base + count && free; p++) {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
        } catch (Exception e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no block of " + count + " free ports on 127.0.0.1");
  }
}
