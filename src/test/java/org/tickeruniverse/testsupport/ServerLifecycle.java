package org.tickeruniverse.testsupport;

/**
 * Address, stop, start and close as one kind of server handle does them, so that the Redis and the
 * MariaDB handles of that kind share one implementation ({@link ContainerHandle}, {@link
 * LocalProcess}, {@link #external}) instead of each writing its own.
 */
interface ServerLifecycle extends AutoCloseable {

  String host();

  int port();

  boolean controllable();

  void stop();

  void start();

  @Override
  void close();

  /**
   * A server named by {@code envVar}: someone else's, so it is neither stopped nor started (tests
   * must check {@code controllable()}) and closing the handle leaves it running.
   */
  static ServerLifecycle external(String what, String envVar, String host, int port) {
    return new ServerLifecycle() {
      @Override
      public String host() {
        return host;
      }

      @Override
      public int port() {
        return port;
      }

      @Override
      public boolean controllable() {
        return false;
      }

      @Override
      public void stop() {
        throw new UnsupportedOperationException(
            what + " (" + envVar + ") cannot be stopped; " + "check controllable() first");
      }

      @Override
      public void start() {
        throw new UnsupportedOperationException(
            what + " (" + envVar + ") cannot be started; " + "check controllable() first");
      }

      @Override
      public void close() {
        // not ours
      }

      @Override
      public String toString() {
        return what + " " + host + ":" + port;
      }
    };
  }
}
