package org.tickeruniverse.privacy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.config.Setting;

/**
 * Where the contributor key's secret comes from (docs/DESIGN.md#contributors): {@code
 * privacy.secret} when configured; otherwise one secret the deployment creates once and keeps in
 * Redis under {@code <prefix>:privacy-secret} ({@code SET NX}, then {@code GET}: the first node to
 * start writes it, every other node and every restart reads the same one), so one caller counts
 * once whichever node, and however many restarts, its uploads go through. The key shares the
 * prefix's hash slot (Redis Cluster) and lies outside the bucket pattern. The secret is never
 * logged.
 */
public final class PrivacySecret {

  private static final Logger LOG = LoggerFactory.getLogger(PrivacySecret.class);
  private static final Setting SECRET = Setting.at("privacy.secret");

  /** Redis may still be starting with the service: retried this long, once a second. */
  static final long RETRY_NANOS = 60_000_000_000L;

  private PrivacySecret() {}

  /** The contributor key of this deployment; fails when Redis does not answer for a minute. */
  public static Future<ContributorKey> load(
      Vertx vertx, Redis redis, ServiceConfig config, Buckets buckets) {
    String configured = config.privacy().secret();
    if (!configured.isEmpty()) {
      LOG.info("contributor key: from {}", SECRET.env());
      return Future.succeededFuture(ContributorKey.of(configured));
    }
    String key = buckets.privacySecretKey();
    Promise<ContributorKey> done = Promise.promise();
    attempt(vertx, redis, key, System.nanoTime() + RETRY_NANOS, done);
    return done.future();
  }

  private static void attempt(
      Vertx vertx, Redis redis, String key, long deadline, Promise<ContributorKey> done) {
    fromRedis(redis, key)
        .onSuccess(
            k -> {
              LOG.info(
                  "contributor key: {} is empty, using the secret kept in Redis under {}",
                  SECRET.env(),
                  key);
              done.complete(k);
            })
        .onFailure(
            e -> {
              if (System.nanoTime() >= deadline) {
                done.fail(
                    new IllegalStateException(
                        "cannot read or create the privacy secret in Redis ("
                            + key
                            + "): set "
                            + SECRET.env()
                            + " or make Redis reachable",
                        e));
              } else {
                vertx.setTimer(1000, t -> attempt(vertx, redis, key, deadline, done));
              }
            });
  }

  /** SET NX of a fresh secret, then GET: whoever came first, everyone reads the same value. */
  static Future<ContributorKey> fromRedis(Redis redis, String key) {
    return redis
        .send(Request.cmd(Command.SET).arg(key).arg(ContributorKey.newSecret()).arg("NX"))
        .compose(created -> redis.send(Request.cmd(Command.GET).arg(key)))
        .compose(
            value -> {
              String secret = value == null ? "" : value.toString();
              // Someone else's value of the wrong shape is refused, not silently used.
              return secret.length() < 16
                  ? Future.failedFuture(
                      new IllegalStateException(key + " holds no usable secret (≥16 characters)"))
                  : Future.succeededFuture(ContributorKey.of(secret));
            });
  }
}
