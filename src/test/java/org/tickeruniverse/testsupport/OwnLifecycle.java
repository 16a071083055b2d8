package org.tickeruniverse.testsupport;

/**
 * The rules that hold for every server of our own, container or process alike: stop and start may
 * be repeated, start after close is a mistake in the test, close is idempotent because both the
 * test and the shutdown hook of {@link ServerSupport} may call it. A subclass registers itself with
 * {@link ServerSupport#register} once it has something to clean up; close unregisters it.
 */
abstract class OwnLifecycle implements ServerLifecycle {

  private boolean closed;

  /** Whether the server is running now (it may also be starting). */
  abstract boolean up();

  /** Starts the stopped server again, as it was, and waits until it is ready. */
  abstract void bringUp();

  /** Stops the server if it runs, keeping what {@link #bringUp()} needs. */
  abstract void bringDown();

  /** Ends the server for good and removes what it left. */
  abstract void release();

  @Override
  public boolean controllable() {
    return true;
  }

  @Override
  public final synchronized void stop() {
    if (!closed) {
      bringDown();
    }
  }

  @Override
  public final synchronized void start() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    if (!up()) {
      bringUp();
    }
  }

  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      release();
    } finally {
      ServerSupport.unregister(this);
    }
  }
}
