package org.tickeruniverse.testsupport;

/**
 * The part of every server handle, Redis or MariaDB, external or ours, that only passes its address
 * and its life on to its {@link ServerLifecycle}. Implements the methods of {@link RedisServer} and
 * {@link MariaDbServer} that have the same signature in both.
 */
abstract class ServerHandle {

  private ServerLifecycle lifecycle;

  /**
   * Called once from the subclass constructor, not passed to ours: a lifecycle is usually made with
   * the handle's own readiness probe, and {@code this} cannot be used before {@code super()}.
   */
  final void lifecycle(ServerLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  public String host() {
    return lifecycle.host();
  }

  public int port() {
    return lifecycle.port();
  }

  public boolean controllable() {
    return lifecycle.controllable();
  }

  public void stop() {
    lifecycle.stop();
  }

  public void start() {
    lifecycle.start();
  }

  public void close() {
    lifecycle.close();
  }

  @Override
  public String toString() {
    return lifecycle.toString();
  }
}
