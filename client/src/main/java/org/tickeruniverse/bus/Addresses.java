package org.tickeruniverse.bus;

/**
 * Every event-bus address of the service: the public API for sibling verticles, in the same JVM or
 * on another cluster node. Request/reply addresses take and answer JSON (see {@link Messages});
 * event addresses are published to and carry counts only — never a ticker.
 */
public final class Addresses {

  private static final String BASE = "ticker-universe.";

  /** {@code {"tickers":[…]}} → {@code {"buffered":n}}. Served by the BufferVerticle. */
  public static final String BUFFER = BASE + "buffer";

  /** {@code {"tickers":[…]}} → {@code {"updated":n}}. Served by the UniverseVerticle. */
  public static final String REFRESH = BASE + "refresh";

  /** {@code {"tickers":[…]}} → {@code {"upserted":n}}. Served by the UniverseVerticle. */
  public static final String UPSERT = BASE + "upsert";

  /** {@code {}} → {@code {"count":n,"tickers":[…],"etag":"…"}}. Served by the UniverseVerticle. */
  public static final String LIST = BASE + "list";

  /** {@code {}} → flush counts. Served by the FlushVerticle. */
  public static final String FLUSH = BASE + "flush";

  /** {@code {}} → {@code {"deleted":n}}. Served by the EvictVerticle. */
  public static final String EVICT = BASE + "evict";

  /** Published after every flush run that did work: flush counts. */
  public static final String EVENT_FLUSHED = BASE + "events.flushed";

  /** Published after every eviction: {@code {"deleted":n,"durationMillis":n}}. */
  public static final String EVENT_EVICTED = BASE + "events.evicted";

  /** Published after every synchronous upsert: {@code {"upserted":n}}. */
  public static final String EVENT_UPSERTED = BASE + "events.upserted";

  /** Published when a node's universe snapshot changed: {@code {"count":n,"etag":"…"}}. */
  public static final String EVENT_UNIVERSE_CHANGED = BASE + "events.universe-changed";

  private Addresses() {}
}
