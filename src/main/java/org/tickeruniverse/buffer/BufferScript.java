package org.tickeruniverse.buffer;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;

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

  BufferScript(Redis redis) {
    this.redis = redis;
  }

  Future<Void> add(
      String key,
      String contributorsKey,
      int ttlSeconds,
      Collection<String> contributors,
      Collection<String> members) {
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
