package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;

/**
 * What the buffer's guarantee needs from Redis: an acknowledged upload lives only in Redis until
 * its bucket is flushed, so a Redis restart without persistence loses every unflushed bucket.
 * Checked once at start-up (README, "Durability"); a managed Redis that refuses {@code CONFIG GET}
 * is not second-guessed.
 */
public final class RedisDurability {

  private RedisDurability() {}

  /** Never fails: the answer is a log line at most. */
  public static Future<Void> warnIfNotPersistent(Redis redis, Logger log) {
    Future<Response> aof = redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("appendonly"));
    Future<Response> save = redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("save"));
    return Future.all(aof, save)
        .<Void>map(
            all -> {
              String appendonly = value(aof.result());
              String snapshots = value(save.result());
              if (!"yes".equalsIgnoreCase(appendonly)
                  && (snapshots == null || snapshots.isBlank())) {
                log.warn(
                    "Redis runs without persistence (appendonly={}, save=\"\"): a Redis restart loses every"
                        + " upload not yet flushed. Use appendonly yes with appendfsync everysec (loses at most"
                        + " about a second) or always (loses nothing); see the README, Durability",
                    appendonly);
              } else if (!"yes".equalsIgnoreCase(appendonly)) {
                log.info(
                    "Redis persists by snapshots only (save \"{}\"): a Redis crash loses the uploads since the"
                        + " last snapshot; appendonly yes narrows that to about a second",
                    snapshots);
              }
              return null;
            })
        .recover(
            refused -> {
              log.debug(
                  "cannot read the Redis persistence settings (a managed Redis may refuse CONFIG): {}",
                  refused.getMessage());
              return Future.succeededFuture();
            });
  }

  /** {@code CONFIG GET x} answers {@code [x, value]} (RESP2) or {@code {x: value}} (RESP3). */
  private static String value(Response reply) {
    if (reply == null) {
      return null;
    }
    if (reply.isMap()) {
      for (String key : reply.getKeys()) {
        Response v = reply.get(key);
        return v == null ? null : v.toString();
      }
      return null;
    }
    if (reply.size() >= 2 && reply.get(1) != null) {
      return reply.get(1).toString();
    }
    return null;
  }
}
