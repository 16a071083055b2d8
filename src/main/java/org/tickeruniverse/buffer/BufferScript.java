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
 * SADD + EXPIRE as one Lua script: Redis runs a script atomically, so no crash can leave a
 * bucket key without its TTL (a key without TTL would never disappear if nobody flushed it).
 * Works on one key, so it runs unchanged on Redis Cluster.
 *
 * <p>Sent as EVALSHA; the first call on a server that has not seen the script gets NOSCRIPT and
 * is repeated as EVAL, which also loads it.
 */
final class BufferScript {

  /** SADD in slices: Lua's unpack() has a stack limit of a few thousand values. */
  static final String LUA = """
      local n = #ARGV
      for i = 2, n, 1000 do
        redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, n)))
      end
      redis.call('EXPIRE', KEYS[1], ARGV[1])
      return n - 1
      """;

  static final String SHA1 = sha1(LUA);

  private final Redis redis;

  BufferScript(Redis redis) {
    this.redis = redis;
  }

  Future<Void> add(String key, int ttlSeconds, Collection<String> members) {
    return redis.send(request(Command.EVALSHA, SHA1, key, ttlSeconds, members))
        .recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, LUA, key, ttlSeconds, members))
            : Future.failedFuture(e))
        .mapEmpty();
  }

  private static Request request(Command cmd, String script, String key, int ttl, Collection<String> members) {
    Request r = Request.cmd(cmd).arg(script).arg(1).arg(key).arg(ttl);
    members.forEach(r::arg);
    return r;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
