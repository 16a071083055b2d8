package org.tickeruniverse.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Blocking Redis commands for test set-up and assertions, through the same Vert.x Redis client the
 * service uses. One connection per call, so a server that was just restarted is simply connected to
 * again. Replies are plain Java values in RESP2 terms: simple and bulk strings as {@link String},
 * integers as {@link Long}, arrays as {@code List<Object>}, nil as {@code null}; an error reply
 * throws {@link IllegalStateException} with Redis' message.
 */
final class RedisCommands {

  /** One small Vert.x for all test support commands; never closed (it dies with the test JVM). */
  private static final Vertx VERTX = Vertx.vertx();

  private final RedisOptions options;
  private final long timeoutMillis;

  RedisCommands(String host, int port, String user, String password, long timeoutMillis) {
    String auth =
        password == null ? "" : (user == null ? "" : encode(user)) + ":" + encode(password) + "@";
    this.options =
        new RedisOptions()
            .setConnectionString("redis://" + auth + host + ":" + port)
            // RESP2 replies, so arrays stay arrays (RESP3 would turn SMEMBERS into a set, HGETALL
            // into a map).
            .setPreferredProtocolVersion(ProtocolVersion.RESP2);
    this.timeoutMillis = timeoutMillis;
  }

  Object command(String... args) {
    Request request = Request.cmd(Command.create(args[0]));
    for (int i = 1; i < args.length; i++) {
      request.arg(args[i]);
    }
    Redis client = Redis.createClient(VERTX, options);
    try {
      Response reply =
          client
              .connect()
              .compose(conn -> conn.send(request).eventually(conn::close))
              .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
              .await();
      return toJava(reply);
    } catch (Throwable e) {
      // Redis error replies are Throwables that are not Exceptions.
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    } finally {
      client.close();
    }
  }

  boolean ping() {
    try {
      return "PONG".equals(command("PING"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Object toJava(Response reply) {
    if (reply == null) {
      return null;
    }
    return switch (reply.type()) {
      case NUMBER -> reply.toLong();
      case MULTI -> {
        List<Object> items = new ArrayList<>(reply.size());
        for (Response item : reply) {
          items.add(toJava(item));
        }
        yield items;
      }
      default -> reply.toString();
    };
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
