package org.tickeruniverse.job;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;

/**
 * A lease in Redis: {@code SET key token NX PX ttl}, renewed and released only by the holder of the
 * token (compare-and-set in Lua). It lives in the same store as the buckets and under the same key
 * prefix, so with a hash-tagged prefix it shares their Redis Cluster slot, and it needs no cluster
 * manager: a node that dies simply lets it expire after {@code ttl}.
 *
 * <p>The TTL is short (seconds) so that a dead holder costs little, and while it is held a timer
 * renews it every third of the TTL, on top of the job's own renewals (a page of a flush may take
 * longer than the TTL when MySQL is slow). The worst case after a crash is therefore one TTL
 * (docs/CLUSTER.md). Lives on its verticle's event loop (not thread-safe by design).
 */
public final class RedisLease implements Lease {

  private static final String RENEW =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('PEXPIRE', KEYS[1], ARGV[2])
      end
      return 0
      """;

  private static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  /** Added to the remaining lease before a refused node tries again (clock and network slack). */
  static final long RETRY_SLACK_MILLIS = 100;

  /** The keep-alive never renews more often than this, whatever the TTL. */
  static final long MIN_RENEW_MILLIS = 100;

  private final Vertx vertx;
  private final Redis redis;
  private final String key;
  private final long ttlMillis;
  private final String token = UUID.randomUUID().toString();
  private long keepAlive = -1;

  public RedisLease(Vertx vertx, Redis redis, String key, long ttlMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.key = key;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public Future<Boolean> acquire() {
    Request set = Request.cmd(Command.SET).arg(key).arg(token).arg("NX").arg("PX").arg(ttlMillis);
    return redis
        .send(set)
        .compose(
            reply ->
                reply != null && "OK".equals(reply.toString())
                    ? Future.succeededFuture(true)
                    : renew())
        .onSuccess(
            mine -> {
              if (mine && keepAlive < 0) {
                keepAlive =
                    vertx.setPeriodic(Math.max(MIN_RENEW_MILLIS, ttlMillis / 3), id -> renew());
              }
            });
  }

  @Override
  public Future<Boolean> renew() {
    return eval(RENEW, ttlMillis)
        .map(r -> r != null && r.toLong() == 1L)
        .onSuccess(
            mine -> {
              if (!mine) {
                stopKeepAlive();
              }
            });
  }

  @Override
  public Future<Void> release() {
    stopKeepAlive();
    return eval(RELEASE, 0).mapEmpty();
  }

  private void stopKeepAlive() {
    if (keepAlive >= 0) {
      vertx.cancelTimer(keepAlive);
      keepAlive = -1;
    }
  }

  private Future<Response> eval(String script, long arg) {
    return redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(key).arg(token).arg(arg));
  }

  /**
   * Milliseconds until the lease, whoever holds it, expires unless renewed; 0 when nobody holds it.
   * What a node that was refused waits before trying again.
   */
  public Future<Long> millisLeft() {
    return redis
        .send(Request.cmd(Command.PTTL).arg(key))
        .map(r -> r == null ? 0L : Math.max(0L, r.toLong()));
  }

  /** The holder's remaining time (PTTL) plus a little slack for clocks and the network. */
  @Override
  public Future<Long> millisUntilRetry() {
    return millisLeft().otherwise(ttlMillis).map(left -> left + RETRY_SLACK_MILLIS);
  }

  public String key() {
    return key;
  }
}
