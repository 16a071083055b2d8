package org.tickeruniverse.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own meters. Privacy (SPEC §6): no meter has a label that could carry a ticker or
 * a caller; they count, nothing more.
 *
 * <p>Meters go to the registry Vert.x was built with (the Prometheus one behind {@code /metrics})
 * or, when metrics are off (some tests), to a private registry, so code never checks.
 */
public final class ServiceMetrics {

  private final MeterRegistry registry;
  private final AtomicLong oldestUnflushedAgeSeconds = new AtomicLong();
  private final AtomicLong universeSize = new AtomicLong();
  private final Counter bufferRequests;
  private final Counter bufferTickers;
  private final Counter bufferWrites;
  private final Counter bufferRejected;
  private final DistributionSummary bufferWriteMembers;

  private ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Registered once: looking a meter up by name on every request cost ~8% of a buffer
    // request's CPU (registry lookup plus Micrometer's double-registration check).
    bufferRequests = registry.counter("tu_buffer_requests_total");
    bufferTickers = registry.counter("tu_buffer_tickers_total");
    bufferWrites = registry.counter("tu_buffer_redis_writes_total");
    bufferRejected = registry.counter("tu_buffer_rejected_total");
    bufferWriteMembers = registry.summary("tu_buffer_redis_write_members");
    registry.gauge("tu_flush_oldest_unflushed_bucket_age_seconds", oldestUnflushedAgeSeconds);
    registry.gauge("tu_universe_tickers", universeSize);
  }

  private static final ServiceMetrics DETACHED = new ServiceMetrics(new SimpleMeterRegistry());
  private static volatile ServiceMetrics current = DETACHED;

  /**
   * The meters bound to the current Vert.x backend registry (looked up each time, so a JVM that
   * builds Vert.x more than once — tests — always reports to the live one).
   */
  public static ServiceMetrics get() {
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

  /** The request meter of one route and method (see {@link RouteMeters}). */
  public RouteMeters route(String method, String route) {
    return new RouteMeters(registry, method, route);
  }

  public void buffered(int tickers) {
    bufferRequests.increment();
    bufferTickers.increment(tickers);
  }

  /** A buffer request refused because {@code buffer.maxQueued} requests already wait for Redis. */
  public void bufferRejected() {
    bufferRejected.increment();
  }

  public void bufferWrite(int members) {
    bufferWrites.increment();
    bufferWriteMembers.record(members);
  }

  public void flushRun(String outcome, long buckets, long read, long inserted, long bumped, Duration took) {
    registry.counter("tu_flush_runs_total", "outcome", outcome).increment();
    registry.counter("tu_flush_buckets_total").increment(buckets);
    registry.counter("tu_flush_tickers_read_total").increment(read);
    registry.counter("tu_flush_rows_inserted_total").increment(inserted);
    registry.counter("tu_flush_rows_bumped_total").increment(bumped);
    Timer.builder("tu_flush_duration").register(registry).record(took);
  }

  public void oldestUnflushedBucketAge(long seconds) {
    oldestUnflushedAgeSeconds.set(Math.max(0, seconds));
  }

  public void evicted(long rows, Duration took, String outcome) {
    registry.counter("tu_evict_runs_total", "outcome", outcome).increment();
    Counter.builder("tu_evict_rows_deleted_total").register(registry).increment(rows);
    Timer.builder("tu_evict_duration").register(registry).record(took);
  }

  public void universeSize(long size) {
    universeSize.set(size);
  }
}
