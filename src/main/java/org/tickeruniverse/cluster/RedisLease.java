package org.tickeruniverse.cluster;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;

/**
 * A lease in Redis: {@code SET key token NX PX ttl}, renewed and released only by the holder of
 * the token (compare-and-set in Lua). It lives in the same store as the buckets and under the
 * same key prefix, so with a hash-tagged prefix it shares their Redis Cluster slot, and it needs
 * no cluster manager: a node that dies simply lets it expire after {@code ttl}.
 */
public final class RedisLease implements Lease {

  private static final String RENEW = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('PEXPIRE', KEYS[1], ARGV[2])
      end
      return 0
      """;

  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  /** Added to the remaining lease before a refused node tries again (clock and network slack). */
  static final long RETRY_SLACK_MILLIS = 100;

  private final Redis redis;
  private final String key;
  private final long ttlMillis;
  private final String token = UUID.randomUUID().toString();

  public RedisLease(Redis redis, String key, long ttlMillis) {
    this.redis = redis;
    this.key = key;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public Future<Boolean> acquire() {
    Request set = Request.cmd(Command.SET).arg(key).arg(token).arg("NX").arg("PX").arg(ttlMillis);
    return redis.send(set).compose(reply -> reply != null && "OK".equals(reply.toString())
        ? Future.succeededFuture(true)
        : renew());
  }

  @Override
  public Future<Boolean> renew() {
    return eval(RENEW, ttlMillis).map(r -> r != null && r.toLong() == 1L);
  }

  @Override
  public Future<Void> release() {
    return eval(RELEASE, 0).mapEmpty();
  }

  private Future<Response> eval(String script, long arg) {
    return redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(key).arg(token).arg(arg));
  }

  /**
   * Milliseconds until the lease, whoever holds it, expires unless renewed; 0 when nobody holds
   * it. What a node that was refused waits before trying again.
   */
  public Future<Long> millisLeft() {
    return redis.send(Request.cmd(Command.PTTL).arg(key)).map(r -> r == null ? 0L : Math.max(0L, r.toLong()));
  }

  /** The holder's remaining time (PTTL) plus a little slack for clocks and the network. */
  @Override
  public Future<Long> millisUntilRetry() {
    return millisLeft()
        .otherwise(ttlMillis)
        .map(left -> left + RETRY_SLACK_MILLIS);
  }

  public String key() {
    return key;
  }
}
