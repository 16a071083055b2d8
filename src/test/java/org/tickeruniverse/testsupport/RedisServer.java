package org.tickeruniverse.testsupport;

import java.util.List;

/**
 * A real Redis server for tests.
 *
 * <p>{@link #create()} picks, in this order: the server named by {@code TU_TEST_REDIS_URL}
 * (environment variable, or system property of that name, e.g. {@code mvn verify
 * -DTU_TEST_REDIS_URL=...}; external, not {@linkplain #controllable() controllable}); a {@code
 * redis:7} container when Docker is available (unless {@code TU_TEST_SERVERS=local}); otherwise a
 * {@code redis-server} process of its own on a free loopback port with a temporary directory.
 * Usually obtained as a parameter through {@link RealServers @RealServers}.
 *
 * <p>{@link #stop()} / {@link #start()} stop and restart the same server on the same port and data
 * directory (readiness tests). The server runs without persistence ({@code --save ''}, no AOF), so
 * its data does not survive a restart. {@link #close()} ends it for good and deletes its files.
 */
public interface RedisServer extends AutoCloseable {

  /** {@code redis://HOST:PORT} (with credentials and db when the external URL had them). */
  String url();

  String host();

  int port();

  /**
   * False for an external server ({@code TU_TEST_REDIS_URL}): {@link #stop()} and {@link #start()}
   * then throw.
   */
  boolean controllable();

  /** Stops the server; afterwards its port refuses connections. No-op when already stopped. */
  void stop();

  /**
   * Starts the stopped server again on the same port and data directory and waits until it answers
   * PING.
   */
  void start();

  /** {@code FLUSHALL} through a plain socket. */
  default void flushAll() {
    command("FLUSHALL");
  }

  /**
   * Runs one Redis command on a fresh plain-socket connection and returns the decoded reply: simple
   * and bulk strings as {@link String}, integers as {@link Long}, arrays as {@code List<Object>},
   * nil as {@code null}. An error reply throws {@link IllegalStateException}.
   */
  Object command(String... args);

  /** True when the server currently answers PING. */
  default boolean ping() {
    try {
      return "PONG".equals(command("PING"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Stops the server for good and deletes its temporary files (no-op for an external server).
   * Idempotent.
   */
  @Override
  void close();

  /** A server chosen by the resolution order described on this interface, started and ready. */
  static RedisServer create() {
    String url = ServerSupport.env("TU_TEST_REDIS_URL");
    if (url != null) {
      return new RedisServers.External(url);
    }
    if (ServerSupport.dockerAvailable()) {
      return new RedisServers.Container();
    }
    return new RedisServers.Local(List.of());
  }

  /**
   * Always a {@code redis-server} process of its own (never external or Docker), with extra
   * command-line arguments appended, e.g. {@code "--requirepass", "secret"} (for tests of
   * configurations the shared servers do not have).
   */
  static RedisServer local(String... extraArgs) {
    return new RedisServers.Local(List.of(extraArgs));
  }
}
