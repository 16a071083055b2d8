package org.tickeruniverse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tickeruniverse.bus.FlushCounts;

/**
 * The service's own meters. Privacy (docs/DESIGN.md#privacy-rules): no meter has a label that could
 * carry a ticker or a caller; they count, nothing more.
 *
 * <p>One instance per registry, passed to the code that counts (see {@link #fromVertxBackend()}):
 * nothing looks its meters up per call, and a test can hand in a registry of its own.
 */
public final class ServiceMetrics {

  private final MeterRegistry registry;
  private final AtomicLong oldestUnflushedAgeSeconds = new AtomicLong();
  private final AtomicLong universeSize = new AtomicLong();
  private final AtomicLong universeMaxTickers = new AtomicLong();
  private final Map<String, AtomicInteger> storeUp = new ConcurrentHashMap<>();
  private final Counter bufferRequests;
  private final Counter bufferTickers;
  private final Counter bufferWrites;
  private final Counter bufferRejected;
  private final Counter bufferRateLimited;
  private final Counter bufferNotReplicated;
  private final DistributionSummary bufferWriteMembers;
  private final AtomicLong heldBuckets = new AtomicLong();
  private final AtomicLong oldestHeldSeconds = new AtomicLong();
  private final AtomicLong maxHoldSeconds = new AtomicLong();
  private final Counter publications;
  private final Counter publishedBelowThreshold;
  private final DistributionSummary publicationContributors;
  private final Counter capacityRefusals;
  private final Counter flushBuckets;
  private final Counter flushRead;
  private final Counter flushInserted;
  private final Counter flushBumped;
  private final Timer flushDuration;
  private final Counter evictRowsDeleted;
  private final Timer evictDuration;

  private ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Registered once, never looked up per request
    // (docs/PERFORMANCE.md#service-meters-registered-once).
    bufferRequests = registry.counter("tu_buffer_requests_total");
    bufferTickers = registry.counter("tu_buffer_tickers_total");
    bufferWrites = registry.counter("tu_buffer_redis_writes_total");
    bufferRejected = registry.counter("tu_buffer_rejected_total");
    // No label: which token was limited is nobody's business, how often is the operator's.
    bufferRateLimited = registry.counter("tu_buffer_rate_limited_total");
    bufferNotReplicated = registry.counter("tu_buffer_not_replicated_total");
    bufferWriteMembers = registry.summary("tu_buffer_redis_write_members");
    registry.gauge("tu_flush_oldest_unflushed_bucket_age_seconds", oldestUnflushedAgeSeconds);
    registry.gauge("tu_universe_tickers", universeSize);
    // docs/OPERATIONS.md#universe-at-capacity: new tickers a flush did not publish (universe full).
    capacityRefusals = registry.counter("tu_universe_capacity_refusals_total");
    registry.gauge("tu_universe_max_tickers", universeMaxTickers);
    // The publication pool (docs/DESIGN.md#anonymity-the-publication-pool): counts only.
    publications = registry.counter("tu_privacy_publications_total");
    publishedBelowThreshold = registry.counter("tu_privacy_published_below_threshold_total");
    publicationContributors =
        DistributionSummary.builder("tu_privacy_publication_contributors")
            .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50, 100)
            .register(registry);
    registry.gauge("tu_privacy_held_buckets", heldBuckets);
    registry.gauge("tu_privacy_oldest_held_seconds", oldestHeldSeconds);
    registry.gauge("tu_privacy_max_hold_seconds", maxHoldSeconds);
    // The job meters the dashboard and the alerts read exist from start-up (at 0), not from the
    // first run: an eviction runs once a day, and its panels would show no data until then.
    flushBuckets = registry.counter("tu_flush_buckets_total");
    flushRead = registry.counter("tu_flush_tickers_read_total");
    flushInserted = registry.counter("tu_flush_rows_inserted_total");
    flushBumped = registry.counter("tu_flush_rows_bumped_total");
    flushDuration = Timer.builder("tu_flush_duration").register(registry);
    evictRowsDeleted = registry.counter("tu_evict_rows_deleted_total");
    evictDuration = Timer.builder("tu_evict_duration").register(registry);
    // Every outcome series exists from the start at 0, so a rate or increase() sees the first one.
    for (String outcome : new String[] {"ok", "skipped", "failed"}) {
      registry.counter("tu_flush_runs_total", "outcome", outcome);
      registry.counter("tu_evict_runs_total", "outcome", outcome);
    }
  }

  private static final ServiceMetrics DETACHED = new ServiceMetrics(new SimpleMeterRegistry());
  private static volatile ServiceMetrics current = DETACHED;

  /** Meters on a registry of the caller's (a test's, say). */
  public static ServiceMetrics of(MeterRegistry registry) {
    return new ServiceMetrics(registry);
  }

  /** Meters that go nowhere: for code run outside a service (tests, tools). */
  public static ServiceMetrics detached() {
    return of(new SimpleMeterRegistry());
  }

  /**
   * The meters of the registry Vert.x was built with (the Prometheus one behind {@code /metrics}),
   * or detached ones when Vert.x runs without metrics. Asked once by whoever builds the verticles
   * ({@code Node}, or a verticle's no-argument constructor for a sibling's deployment), which then
   * pass the instance in; a JVM that builds Vert.x more than once (tests) gets the live registry.
   */
  public static ServiceMetrics fromVertxBackend() {
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    if (backend == null) {
      return DETACHED;
    }
    ServiceMetrics m = current;
    if (m.registry != backend) {
      synchronized (ServiceMetrics.class) {
        if (current.registry != backend) {
          current = new ServiceMetrics(backend);
        }
        m = current;
      }
    }
    return m;
  }

  /** The registry these meters live in; the HTTP edge registers its per-route meters there. */
  public MeterRegistry registry() {
    return registry;
  }

  public void buffered(int tickers) {
    bufferRequests.increment();
    bufferTickers.increment(tickers);
  }

  /** A buffer request refused because {@code buffer.maxQueued} requests already wait for Redis. */
  public void bufferRejected() {
    bufferRejected.increment();
  }

  /** A buffer request refused with 429 because its token exceeded {@code buffer.ratePerToken}. */
  public void bufferRateLimited() {
    bufferRateLimited.increment();
  }

  /**
   * A buffer write (one coalesced script) that fewer than {@code buffer.ackReplicas} replicas
   * confirmed in time; each of its requests was answered 503.
   */
  public void bufferNotReplicated() {
    bufferNotReplicated.increment();
  }

  public void bufferWrite(int members) {
    bufferWrites.increment();
    bufferWriteMembers.record(members);
  }

  public void flushRun(String outcome, FlushCounts counts, Duration took) {
    registry.counter("tu_flush_runs_total", "outcome", outcome).increment();
    flushBuckets.increment(counts.buckets());
    flushRead.increment(counts.read());
    flushInserted.increment(counts.inserted());
    flushBumped.increment(counts.bumped());
    capacityRefusals.increment(counts.refusedCapacity());
    flushDuration.record(took);
  }

  public void oldestUnflushedBucketAge(long seconds) {
    oldestUnflushedAgeSeconds.set(Math.max(0, seconds));
  }

  public void evicted(long rows, Duration took, String outcome) {
    registry.counter("tu_evict_runs_total", "outcome", outcome).increment();
    evictRowsDeleted.increment(rows);
    evictDuration.record(took);
  }

  /**
   * One publication of the pool; {@code belowThreshold}: released after the hold with fewer than k.
   */
  public void privacyPublication(long contributors, boolean belowThreshold) {
    publications.increment();
    publicationContributors.record(contributors);
    if (belowThreshold) {
      publishedBelowThreshold.increment();
    }
  }

  /** Closed buckets held back after a flush run, and how long the oldest of them has waited. */
  public void privacyHeld(long buckets, long oldestSeconds) {
    heldBuckets.set(buckets);
    oldestHeldSeconds.set(Math.max(0, oldestSeconds));
  }

  /**
   * The configured maximum hold, exported so an alert can compare the oldest held bucket with it.
   */
  public void privacyMaxHold(long seconds) {
    maxHoldSeconds.set(seconds);
  }

  public void universeSize(long size) {
    universeSize.set(size);
  }

  /** {@code universe.maxTickers}, exported so an alert can compare the universe's size with it. */
  public void universeMaxTickers(long max) {
    universeMaxTickers.set(max);
  }

  /**
   * {@code tu_store_up{store}}: 1 while the store answered its last periodic check, else 0
   * (StoreWatchVerticle).
   */
  public void storeUp(String store, boolean up) {
    storeUp
        .computeIfAbsent(
            store, s -> registry.gauge("tu_store_up", Tags.of("store", s), new AtomicInteger()))
        .set(up ? 1 : 0);
  }
}
