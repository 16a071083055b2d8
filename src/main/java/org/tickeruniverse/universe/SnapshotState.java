package org.tickeruniverse.universe;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * What this JVM's UniverseVerticle holds, shared with the other verticles of the same Vert.x
 * instance through its local map (no copy: the document is immutable): the HTTP edge serves the
 * very same document instead of fetching and rebuilding a second copy over the event bus, and the
 * readiness check {@code snapshot} says why there is none (docs/OPERATIONS.md#universe-snapshot).
 *
 * @param document the snapshot served (null until one was built)
 * @param problem why the last build failed, in a fixed vocabulary safe for an unauthenticated
 *     readiness answer ({@link #NOT_BUILT}, {@link #TIMED_OUT}, {@link #STORE_UNAVAILABLE}, {@link
 *     #TOO_LARGE}, {@link #FAILED}); null when it succeeded
 * @param retryAtMillis when the next build starts after a failure (epoch ms), else 0
 */
public record SnapshotState(UniverseDocument document, String problem, long retryAtMillis)
    implements Shareable {

  public static final String NOT_BUILT = "not built yet";
  public static final String TIMED_OUT = "build timed out";
  public static final String STORE_UNAVAILABLE = "store unavailable";
  public static final String TOO_LARGE = "too large for universe.maxTickers";
  public static final String FAILED = "build failed";

  private static final String MAP = "ticker-universe.snapshot";
  private static final String KEY = "state";

  /** This Vert.x instance's state, or null when no UniverseVerticle runs here. */
  public static SnapshotState of(Vertx vertx) {
    LocalMap<String, SnapshotState> map = vertx.sharedData().getLocalMap(MAP);
    return map.get(KEY);
  }

  static void publish(Vertx vertx, SnapshotState state) {
    vertx.sharedData().<String, SnapshotState>getLocalMap(MAP).put(KEY, state);
  }

  static void clear(Vertx vertx) {
    vertx.sharedData().<String, SnapshotState>getLocalMap(MAP).remove(KEY);
  }

  /** Whole seconds until the next build (at least 1): the Retry-After of a 503. */
  public int retryAfterSeconds(long nowMillis) {
    long s = (retryAtMillis - nowMillis + 999) / 1000;
    return (int) Math.max(1, Math.min(3600, s));
  }
}
