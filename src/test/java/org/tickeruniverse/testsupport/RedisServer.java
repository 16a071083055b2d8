package org.tickeruniverse.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis server for tests (see {@link StoreServer}); ours run without persistence unless a
 * test asks otherwise, so data does not survive a restart.
 */
public final class RedisServer extends StoreServer {

  private static final String[] NO_PERSISTENCE = {
    "redis-server", "--save", "", "--appendonly", "no"
  };
  private static final Vertx VERTX = Vertx.vertx(); // for the test support's commands

  private final String userInfo;

  private RedisServer(String kind, List<String> args, String host, int port, String userInfo) {
    super(kind, args, host, port);
    this.userInfo = userInfo;
  }

  /** {@code TU_TEST_REDIS_URL}, else a {@code redis:7} container with Docker, else a process. */
  public static RedisServer create() {
    String url = env("TU_TEST_REDIS_URL");
    if (url != null) {
      URI uri = URI.create(url);
      int port = uri.getPort() > 0 ? uri.getPort() : 6379;
      return answering(
          new RedisServer("redis", List.of(), uri.getHost(), port, uri.getRawUserInfo()));
    }
    if (!dockerAvailable()) {
      return local();
    }
    RedisServer r = new RedisServer("redis", List.of(), null, 0, null);
    r.startOurs(null, new GenericContainer<>("redis:7").withCommand(NO_PERSISTENCE), 6379);
    return r;
  }

  /** Always a process of ours, with extra {@code redis-server} arguments (a later flag wins). */
  public static RedisServer local(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of(NO_PERSISTENCE).subList(1, 5)); // no binary name
    args.addAll(List.of(extraArgs));
    return local("redis", tempDataDir("redis-"), args);
  }

  /** A process of ours: {@code local-stores.sh KIND PORT DATA ARGS} (KIND redis or sentinel). */
  static RedisServer local(String kind, Path data, List<String> args) {
    int i = args.indexOf("--requirepass");
    String auth = i < 0 ? null : ":" + URLEncoder.encode(args.get(i + 1), StandardCharsets.UTF_8);
    RedisServer r = new RedisServer(kind, args, null, 0, auth);
    r.startOurs(data, null, 0);
    return r;
  }

  /** {@code redis://[userinfo@]HOST:PORT}, the form of {@code TU_REDIS_URL}. */
  public String url() {
    return "redis://" + (userInfo == null ? "" : userInfo + "@") + host() + ":" + port();
  }

  public void flushAll() {
    command("FLUSHALL");
  }

  @Override
  public boolean ping() {
    try {
      return "PONG".equals(command("PING"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * One command on a fresh connection (so a restarted server just works). Replies as {@link
   * String}, {@link Long}, {@code List<Object>} or null; an error reply throws {@link
   * IllegalStateException}.
   */
  public Object command(String... args) {
    Request request = Request.cmd(Command.create(args[0]));
    for (int i = 1; i < args.length; i++) {
      request.arg(args[i]);
    }
    // RESP2, so that arrays stay arrays (RESP3 would turn SMEMBERS into a set)
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(url())
            .setPreferredProtocolVersion(ProtocolVersion.RESP2);
    Redis client = Redis.createClient(VERTX, options);
    try {
      return toJava(
          client
              .connect()
              .compose(conn -> conn.send(request).eventually(conn::close))
              .timeout(2, TimeUnit.SECONDS)
              .await());
    } catch (Throwable e) {
      // Redis error replies are Throwables that are not Exceptions.
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    } finally {
      client.close();
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
        reply.forEach(item -> items.add(toJava(item)));
        yield items;
      }
      default -> reply.toString();
    };
  }
}
