package org.tickeruniverse.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.role.StoreNeeds;
import org.tickeruniverse.role.VerticleName;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.universe.SnapshotState;

/**
 * Readiness by role (docs/DESIGN.md#operations): a node is ready when what <em>its</em> verticles
 * need answers, and only that — see {@link Needs}. {@code /health/ready} lists each check by id
 * with its state; the node is ready when all are UP.
 *
 * <p>Store checks ask the store afresh on every probe (Redis PING, MySQL {@code SELECT 1}), each
 * within its own time-out, so readiness goes down when a store goes away and comes back when it
 * returns. Checks always complete with OK or KO and a short reason ({@code unreachable}, {@code
 * timeout}, {@code not loaded yet}); they never fail: a failed procedure would make the health
 * handler answer 500 and put the error's message — a store address, say — into an unauthenticated
 * answer. The cause is logged instead, once per transition.
 */
public final class Readiness {

  public static final String REDIS = "redis";
  public static final String MYSQL = "mysql";
  public static final String UNIVERSE = "universe";
  public static final String CLUSTER = "cluster";
  public static final String SNAPSHOT = "snapshot";

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private Readiness() {}

  /**
   * What a node's readiness depends on, from the verticles it runs.
   *
   * <ul>
   *   <li>{@code redis}: {@code buffer} and {@code flush} read and write the buffer.
   *   <li>{@code mysql}: {@code flush} and {@code evict} write the table; {@code universe} reads
   *       it, but on a node that also runs {@code http} the edge serves its loaded snapshot from
   *       memory and keeps doing so while MySQL is away, so there the snapshot is the check.
   *   <li>{@code universe}: an HTTP edge is ready once it holds a universe snapshot to serve.
   *   <li>{@code snapshot}: a node running {@code universe} is ready once its snapshot is built;
   *       the check says why not ({@code not built yet}, {@code build timed out}, {@code store
   *       unavailable}, {@code too large for universe.maxTickers}) while the build is retried
   *       (docs/OPERATIONS.md#universe-snapshot).
   *   <li>{@code cluster}: a clustered node is ready while it is a member of the cluster (its event
   *       bus reaches the others).
   * </ul>
   */
  public record Needs(
      boolean redis, boolean mysql, boolean universe, boolean cluster, boolean snapshot) {

    public static Needs of(ServiceConfig.Node node, boolean clustered) {
      StoreNeeds stores = StoreNeeds.of(node.verticles());
      return new Needs(
          stores.redis(),
          stores.mysqlGatesReadiness(),
          node.runs(VerticleName.HTTP),
          clustered,
          node.runs(VerticleName.UNIVERSE));
    }

    /** The ids of the checks {@code /health/ready} lists (in the order they answer). */
    public List<String> ids() {
      List<String> ids = new ArrayList<>();
      if (redis) {
        ids.add(REDIS);
      }
      if (mysql) {
        ids.add(MYSQL);
      }
      if (universe) {
        ids.add(UNIVERSE);
      }
      if (snapshot) {
        ids.add(SNAPSHOT);
      }
      if (cluster) {
        ids.add(CLUSTER);
      }
      return ids;
    }
  }

  /** Whether a node's verticles use Redis at all ({@code buffer}, {@code flush}). */
  /** Redis answers PING. */
  public static Future<?> ping(Redis redis) {
    return redis.send(Request.cmd(Command.PING));
  }

  /**
   * The checks of {@code needs}. {@code redis} and {@code repository} may be null when not needed;
   * {@code universeLoaded} tells whether the edge holds a snapshot.
   */
  public static HealthChecks checks(
      Vertx vertx,
      Needs needs,
      Redis redis,
      UniverseRepository repository,
      BooleanSupplier universeLoaded,
      long timeoutMillis) {
    HealthChecks checks = HealthChecks.create(vertx);
    if (needs.redis()) {
      registerProbe(checks, REDIS, timeoutMillis, () -> ping(redis));
    }
    if (needs.mysql()) {
      registerProbe(checks, MYSQL, timeoutMillis, repository::ping);
    }
    if (needs.universe()) {
      registerFlag(checks, UNIVERSE, universeLoaded, "not loaded yet");
    }
    if (needs.snapshot()) {
      registerSnapshot(checks, vertx);
    }
    if (needs.cluster()) {
      registerFlag(checks, CLUSTER, () -> clusterMember(vertx), "not a cluster member");
    }
    return checks;
  }

  /** Whether this Vert.x is clustered and its cluster manager is a live member. */
  static boolean clusterMember(Vertx vertx) {
    ClusterManager manager =
        vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    return manager != null && manager.isActive();
  }

  private static void registerFlag(
      HealthChecks checks, String name, BooleanSupplier flag, String reason) {
    AtomicBoolean up = new AtomicBoolean(true);
    checks.register(
        name,
        promise -> {
          boolean now = flag.getAsBoolean();
          promise.complete(now ? Status.OK() : Status.KO(new JsonObject().put("reason", reason)));
          transition(name, up, now, now ? "ok" : reason);
        });
  }

  private static void registerSnapshot(HealthChecks checks, Vertx vertx) {
    AtomicBoolean up = new AtomicBoolean(true);
    checks.register(
        SNAPSHOT,
        promise -> {
          SnapshotState state = SnapshotState.of(vertx);
          boolean built = state != null && state.document() != null;
          String reason = state == null ? SnapshotState.NOT_BUILT : state.problem();
          if (built) {
            promise.complete(Status.OK());
          } else {
            JsonObject data = new JsonObject().put("reason", reason);
            if (state != null && state.retryAtMillis() > 0) {
              data.put("retryInSeconds", state.retryAfterSeconds(System.currentTimeMillis()));
            }
            promise.complete(Status.KO(data));
          }
          transition(SNAPSHOT, up, built, built ? "built" : reason);
        });
  }

  private static void registerProbe(
      HealthChecks checks, String name, long timeoutMillis, Supplier<Future<?>> probe) {
    AtomicBoolean up = new AtomicBoolean(true);
    // The library's own time-out marks the procedure as failed (→ 500): keep it as a backstop
    // well beyond ours.
    checks.register(
        name, timeoutMillis * 2, promise -> run(name, timeoutMillis, probe, promise, up));
  }

  private static void run(
      String name,
      long timeoutMillis,
      Supplier<Future<?>> probe,
      Promise<Status> promise,
      AtomicBoolean up) {
    probe(probe, timeoutMillis)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                promise.complete(Status.OK());
                transition(name, up, true, "answers");
              } else {
                boolean timedOut = ar.cause() instanceof java.util.concurrent.TimeoutException;
                promise.complete(
                    Status.KO(
                        new JsonObject().put("reason", timedOut ? "timeout" : "unreachable")));
                transition(
                    name,
                    up,
                    false,
                    timedOut
                        ? "no answer within " + timeoutMillis + " ms"
                        : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage());
              }
            });
  }

  /** One probe, bounded by {@code timeoutMillis}; a probe that throws is a failed probe. */
  static Future<?> probe(Supplier<Future<?>> probe, long timeoutMillis) {
    Future<?> outcome;
    try {
      outcome = probe.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static void transition(String name, AtomicBoolean up, boolean nowUp, String detail) {
    if (up.getAndSet(nowUp) != nowUp) {
      if (nowUp) {
        LOG.info("readiness: {} is back ({})", name, detail);
      } else {
        LOG.warn("readiness: {} is down ({})", name, detail);
      }
    }
  }
}
