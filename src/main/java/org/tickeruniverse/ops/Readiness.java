package org.tickeruniverse.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.store.UniverseRepository;

/**
 * Readiness: ready only while Redis answers PING and MySQL answers {@code SELECT 1}, each within
 * its own time-out. Every probe asks the stores afresh, so readiness goes down when a store goes
 * away and comes back when it returns.
 *
 * <p>Checks always complete with OK or KO and a short reason ({@code unreachable},
 * {@code timeout}); they never fail. A failed procedure would make the health handler answer 500
 * and put the error's message — a store address, say — into an unauthenticated answer. The cause
 * is logged instead, once per transition.
 */
public final class Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private Readiness() {
  }

  public static HealthChecks checks(Vertx vertx, Redis redis, UniverseRepository repository, long timeoutMillis) {
    HealthChecks checks = HealthChecks.create(vertx);
    register(vertx, checks, "redis", timeoutMillis,
        () -> redis.send(Request.cmd(Command.PING)).mapEmpty());
    register(vertx, checks, "mysql", timeoutMillis, repository::ping);
    return checks;
  }

  private static void register(Vertx vertx, HealthChecks checks, String name, long timeoutMillis,
                               Supplier<Future<?>> probe) {
    AtomicBoolean up = new AtomicBoolean(true);
    // The library's own time-out marks the procedure as failed (→ 500): keep it as a backstop
    // well beyond ours.
    checks.register(name, timeoutMillis * 2, promise -> run(vertx, name, timeoutMillis, probe, promise, up));
  }

  private static void run(Vertx vertx, String name, long timeoutMillis, Supplier<Future<?>> probe,
                          Promise<Status> promise, AtomicBoolean up) {
    long timer = vertx.setTimer(timeoutMillis, id -> {
      if (promise.tryComplete(Status.KO(new JsonObject().put("reason", "timeout")))) {
        transition(name, up, false, "no answer within " + timeoutMillis + " ms");
      }
    });
    Future<?> outcome;
    try {
      outcome = probe.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        if (promise.tryComplete(Status.OK())) {
          transition(name, up, true, "answers");
        }
      } else if (promise.tryComplete(Status.KO(new JsonObject().put("reason", "unreachable")))) {
        transition(name, up, false, ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage());
      }
    });
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
