package org.tickeruniverse.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.DeferredProcessingAware;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A console appender for high-rate lines (the access log: one per request) that never blocks or
 * wakes anybody on the logging thread, and writes to standard output in batches.
 *
 * <p>Why not logback's {@code AsyncAppender} in front of a {@code ConsoleAppender}: its queue
 * signals the worker for nearly every event and the worker writes (and, through {@code System.out},
 * flushes) every line on its own: a futex wake-up and a {@code write(2)} per line, a large share of
 * the service's CPU under load (docs/PERFORMANCE.md#access-log-in-batches). Here the logging thread
 * only prepares the event and appends it to a lock-free queue; a writer thread wakes every {@code
 * flushIntervalMillis}, encodes everything queued, and writes it with one {@code System.out.write}.
 * Lines therefore appear up to one interval late (their time stamps are the events' own); {@link
 * #stop()} writes what is left, so an orderly shutdown loses nothing.
 *
 * <p>Bounded: beyond {@code capacity} queued events new ones are dropped rather than letting a
 * stalled standard output grow the heap; the writer then logs how many it dropped.
 *
 * <pre>{@code
 * <appender name="ACCESS" class="org.tickeruniverse.ops.BatchingConsoleAppender">
 *   <encoder><pattern>%d %msg%n</pattern></encoder>
 *   <flushIntervalMillis>100</flushIntervalMillis>  <!-- default -->
 *   <capacity>65536</capacity>                      <!-- default -->
 * </appender>
 * }</pre>
 */
public final class BatchingConsoleAppender<E extends DeferredProcessingAware>
    extends UnsynchronizedAppenderBase<E> {

  /** Encoded bytes held before a write: a busier interval goes out in several writes. */
  private static final int BATCH_BYTES = 64 * 1024;

  private final Queue<E> queue = new ConcurrentLinkedQueue<>();

  /**
   * Queued events; a separate count because {@code ConcurrentLinkedQueue.size()} walks the queue.
   */
  private final AtomicInteger queued = new AtomicInteger();

  private final AtomicLong dropped = new AtomicLong();
  private final ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH_BYTES);
  private Encoder<E> encoder;
  private long flushIntervalMillis = 100;
  private int capacity = 65_536;
  private volatile Thread writer;

  public void setEncoder(Encoder<E> encoder) {
    this.encoder = encoder;
  }

  public void setFlushIntervalMillis(long flushIntervalMillis) {
    this.flushIntervalMillis = flushIntervalMillis;
  }

  public void setCapacity(int capacity) {
    this.capacity = capacity;
  }

  /** Events dropped because the queue was full, since start. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder set for the appender named [" + name + "]");
      return;
    }
    if (flushIntervalMillis <= 0 || capacity <= 0) {
      addError(
          "flushIntervalMillis and capacity must be positive for the appender named ["
              + name
              + "]");
      return;
    }
    Thread thread = new Thread(this::writeLoop, "log-writer-" + name);
    thread.setDaemon(true);
    writer = thread;
    super.start();
    thread.start();
  }

  @Override
  protected void append(E event) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    // Formats the message and captures the thread name and MDC now, on the logging thread.
    event.prepareForDeferredProcessing();
    queue.offer(event);
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    Thread thread = writer;
    writer = null;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeQueued(); // anything appended while the writer was ending
  }

  private void writeLoop() {
    long interval = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
    while (writer == Thread.currentThread()) {
      LockSupport.parkNanos(this, interval);
      writeQueued();
    }
  }

  private synchronized void writeQueued() {
    long lost = dropped.getAndSet(0);
    E event;
    while ((event = queue.poll()) != null) {
      queued.decrementAndGet();
      try {
        batch.writeBytes(encoder.encode(event));
      } catch (RuntimeException e) {
        addError("could not encode a log event", e);
      }
      if (batch.size() >= BATCH_BYTES) {
        flushBatch();
      }
    }
    if (lost > 0) {
      batch.writeBytes(dropNotice(lost));
    }
    flushBatch();
  }

  /**
   * The notice of dropped lines, written through the appender's own encoder so that it has the same
   * form as every other line (a JSON object under {@code log.format=json}).
   */
  @SuppressWarnings("unchecked")
  private byte[] dropNotice(long lost) {
    String text =
        "appender " + name + " dropped " + lost + " log lines: standard output did not keep up";
    if (getContext() instanceof LoggerContext logback) {
      try {
        return encoder.encode(
            (E)
                new LoggingEvent(
                    BatchingConsoleAppender.class.getName(),
                    logback.getLogger(BatchingConsoleAppender.class),
                    Level.WARN,
                    text,
                    null,
                    null));
      } catch (RuntimeException notForLoggingEvents) {
        // an appender of other events (access events, say): plain text below
      }
    }
    return ("WARN " + text + System.lineSeparator()).getBytes(StandardCharsets.US_ASCII);
  }

  private void flushBatch() {
    if (batch.size() == 0) {
      return;
    }
    // Through System.out (not a stream of our own on file descriptor 1): its lock keeps these
    // lines and those of other console appenders whole, and tests can redirect it.
    PrintStream out = System.out;
    try {
      batch.writeTo(out);
    } catch (IOException e) {
      addError("could not write log lines", e); // a PrintStream records errors rather than throwing
    }
    out.flush();
    batch.reset();
  }
}
