package org.tickeruniverse.buffer;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.FailureException;

/**
 * SADD + PFADD + EXPIRE as one Lua script: Redis runs a script atomically, so no crash can leave a
 * bucket key without its TTL (a key without TTL would never disappear if nobody flushed it), nor
 * tickers without the contributors that uploaded them (the flush counts those before it publishes:
 * docs/DESIGN.md#anonymity-the-publication-pool). Both keys share the prefix's hash slot, so it
 * runs unchanged on Redis Cluster.
 *
 * <p>The contributors are 16-bit keyed hashes under a key of the bucket's UTC day, added to a
 * HyperLogLog. The HLL itself keeps registers, but the script's arguments — these short values
 * among them — reach the AOF, replicas and MONITOR: which is why they are short and change every
 * day (docs/DESIGN.md#contributors).
 *
 * <p>Sent as EVALSHA; the first call on a server that has not seen the script gets NOSCRIPT and is
 * repeated as EVAL, which also loads it.
 */
final class BufferScript {

  /**
   * KEYS: bucket set, its contributors HLL. ARGV: TTL, number c of contributor elements, the c
   * elements, then the members. SADD/PFADD in slices: Lua's unpack() has a stack limit of a few
   * thousand values.
   */
  static final String LUA =
      """
      local c = tonumber(ARGV[2])
      local n = #ARGV
      for i = 3 + c, n, 1000 do
        redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, n)))
      end
      for i = 3, 2 + c, 1000 do
        redis.call('PFADD', KEYS[2], unpack(ARGV, i, math.min(i + 999, 2 + c)))
      end
      redis.call('EXPIRE', KEYS[1], ARGV[1])
      redis.call('EXPIRE', KEYS[2], ARGV[1])
      return n - 2 - c
      """;

  static final String SHA1 = sha1(LUA);

  private final Redis redis;
  private final int ackReplicas;
  private final int ackTimeoutMillis;
  private final Runnable onNotReplicated;

  BufferScript(Redis redis) {
    this(redis, 0, 0, () -> {});
  }

  /**
   * @param ackReplicas with n &gt; 0 every script is followed by {@code WAIT n ackTimeoutMillis} on
   *     the same connection, and fails with {@link ErrorCode#NOT_REPLICATED} unless n replicas
   *     confirmed it (docs/DESIGN.md#durability-acknowledged-means-replicated)
   */
  BufferScript(Redis redis, int ackReplicas, int ackTimeoutMillis, Runnable onNotReplicated) {
    this.redis = redis;
    this.ackReplicas = ackReplicas;
    this.ackTimeoutMillis = ackTimeoutMillis;
    this.onNotReplicated = onNotReplicated;
  }

  Future<Void> add(
      String key,
      String contributorsKey,
      int ttlSeconds,
      Collection<String> contributors,
      Collection<String> members) {
    if (ackReplicas > 0) {
      return addReplicated(key, contributorsKey, ttlSeconds, contributors, members);
    }
    return redis
        .send(
            request(Command.EVALSHA, SHA1, key, contributorsKey, ttlSeconds, contributors, members))
        .recover(
            e ->
                String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
                    ? redis.send(
                        request(
                            Command.EVAL,
                            LUA,
                            key,
                            contributorsKey,
                            ttlSeconds,
                            contributors,
                            members))
                    : Future.failedFuture(e))
        .mapEmpty();
  }

  /**
   * The script and {@code WAIT} as one batch: WAIT counts the replicas that have every write of
   * <em>its own connection</em>, and only a batch is sure to share one (the client's {@code send}
   * takes a pooled connection per command: vertx-redis-client 5.0.7 BaseRedisClient). One WAIT per
   * coalesced script, never per request. A failed batch reports every error in one message, so
   * NOSCRIPT is looked for anywhere in it.
   */
  private Future<Void> addReplicated(
      String key,
      String contributorsKey,
      int ttl,
      Collection<String> contributors,
      Collection<String> members) {
    Request wait = Request.cmd(Command.WAIT).arg(ackReplicas).arg(ackTimeoutMillis);
    return redis
        .batch(
            List.of(
                request(Command.EVALSHA, SHA1, key, contributorsKey, ttl, contributors, members),
                wait))
        .recover(
            e ->
                String.valueOf(e.getMessage()).contains("NOSCRIPT")
                    ? redis.batch(
                        List.of(
                            request(
                                Command.EVAL,
                                LUA,
                                key,
                                contributorsKey,
                                ttl,
                                contributors,
                                members),
                            wait))
                    : Future.failedFuture(e))
        .compose(
            replies -> {
              Response confirmed = replies.get(1);
              long replicas = confirmed == null ? 0 : confirmed.toLong();
              if (replicas >= ackReplicas) {
                return Future.succeededFuture();
              }
              onNotReplicated.run();
              return Future.failedFuture(
                  new FailureException(
                      ErrorCode.NOT_REPLICATED,
                      "the upload reached the primary but "
                          + replicas
                          + " of "
                          + ackReplicas
                          + " required replicas confirmed it in time; retrying is harmless"));
            });
  }

  private static Request request(
      Command cmd,
      String script,
      String key,
      String contributorsKey,
      int ttl,
      Collection<String> contributors,
      Collection<String> members) {
    Request r =
        Request.cmd(cmd)
            .arg(script)
            .arg(2)
            .arg(key)
            .arg(contributorsKey)
            .arg(ttl)
            .arg(contributors.size());
    contributors.forEach(r::arg);
    members.forEach(r::arg);
    return r;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
