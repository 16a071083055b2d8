package org.tickeruniverse;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tickeruniverse.buffer.BufferVerticle;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.evict.EvictVerticle;
import org.tickeruniverse.flush.FlushVerticle;
import org.tickeruniverse.http.HttpVerticle;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.ops.OpsServerVerticle;
import org.tickeruniverse.ops.StoreWatchVerticle;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.universe.UniverseVerticle;

/**
 * The verticles one node runs ({@code node.verticles}), deployed in dependency order — the
 * event-bus consumers before the HTTP edge that calls them — and stopped in the reverse order, so a
 * request accepted during shutdown still finds its consumer while HTTP drains.
 */
public final class Node {

  private final Vertx vertx;
  private final ServiceConfig config;
  private final Clock clock;

  /** The one set of meters every verticle of this node counts on. */
  private final ServiceMetrics metrics;

  private final List<String> deployments = new ArrayList<>();

  public Node(Vertx vertx, ServiceConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  /** A node whose verticles count on the registry {@code vertx} was built with. */
  public Node(Vertx vertx, ServiceConfig config, Clock clock) {
    this(vertx, config, clock, ServiceMetrics.fromVertxBackend());
  }

  public Node(Vertx vertx, ServiceConfig config, Clock clock, ServiceMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Whether this node runs anything that writes or reads MySQL (and so migrates it). */
  public Future<Void> deploy() {
    Future<Void> chain = Future.succeededFuture();
    if (StoreWatchVerticle.watches(config)) {
      chain =
          chain
              .compose(v -> vertx.deployVerticle(new StoreWatchVerticle(config, metrics)))
              .onSuccess(deployments::add)
              .mapEmpty();
    }
    if (OpsServerVerticle.wanted(config)) {
      chain =
          chain
              .compose(v -> vertx.deployVerticle(new OpsServerVerticle(config)))
              .onSuccess(deployments::add)
              .mapEmpty();
    }
    chain =
        step(chain, VerticleName.UNIVERSE, () -> new UniverseVerticle(config, clock, metrics), 1);
    chain = step(chain, VerticleName.BUFFER, () -> new BufferVerticle(config, clock, metrics), 1);
    chain = step(chain, VerticleName.FLUSH, () -> new FlushVerticle(config, clock, metrics), 1);
    chain = step(chain, VerticleName.EVICT, () -> new EvictVerticle(config, clock, metrics), 1);
    chain =
        step(
            chain,
            VerticleName.HTTP,
            () -> new HttpVerticle(config, metrics),
            config.http().instances());
    return chain;
  }

  private Future<Void> step(
      Future<Void> chain, VerticleName name, Supplier<Deployable> verticle, int instances) {
    if (!config.node().runs(name)) {
      return chain;
    }
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    return chain
        .compose(v -> vertx.deployVerticle(verticle, options))
        .onSuccess(id -> deployments.add(id))
        .mapEmpty();
  }

  /** Undeploys in reverse order (HTTP first: it drains in-flight requests), then closes Vert.x. */
  public Future<Void> shutdown() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return chain.eventually(vertx::close);
  }
}
