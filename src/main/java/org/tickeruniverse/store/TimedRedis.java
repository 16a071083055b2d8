package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis client whose every command fails after {@code redis.commandTimeoutMillis} instead of
 * waiting for as long as the server stays silent: vertx-redis-client has no per-command time-out of
 * its own. The late reply, if one ever comes, is dropped by the client.
 *
 * <p>The time-out bounds the caller's wait. The connection that hung is replaced by the read idle
 * time-out {@link Stores#redisOptions} sets (a single server) or by TCP keep-alive (a peer that
 * vanished); see docs/DESIGN.md#faults.
 */
public final class TimedRedis implements Redis {

  private final Redis redis;
  private final long timeoutMillis;

  public TimedRedis(Redis redis, long timeoutMillis) {
    this.redis = redis;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<Response> send(Request command) {
    return redis.send(command).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return redis.batch(commands).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * A dedicated connection, passed through untimed (the service's own code never asks for one):
   * timing the connect would leak a connection that arrives after the time-out.
   */
  @Override
  public Future<RedisConnection> connect() {
    return redis.connect();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}
