package org.tickeruniverse.it.faults;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent callers uploading one unique ticker per request in a loop, recording what the service
 * answered: every ticker acknowledged with 202 (the set the suite proves is never lost), every
 * other answer by status, the slowest answer, and when answers were 202 again.
 */
final class Uploaders implements AutoCloseable {

  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
  final AtomicInteger transportErrors = new AtomicInteger();
  final AtomicLong slowestMillis = new AtomicLong();
  final AtomicLong lastNon202Nanos = new AtomicLong();
  final AtomicLong last202Nanos = new AtomicLong();
  private final AtomicLong firstOkAfter = new AtomicLong(Long.MAX_VALUE);
  private volatile long watchFrom = Long.MAX_VALUE;
  private volatile boolean stopped;
  private volatile String firstTransportError;
  private final CountDownLatch done;

  Uploaders(Service service, int callers, String prefix) {
    done = new CountDownLatch(callers);
    for (int c = 0; c < callers; c++) {
      String mine = prefix + c + "X";
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int i = 0; !stopped; i++) {
                    String ticker = mine + i;
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<String> r = service.buffer(ticker);
                      long now = System.nanoTime();
                      slowestMillis.accumulateAndGet((now - t0) / 1_000_000, Math::max);
                      byStatus
                          .computeIfAbsent(r.statusCode(), k -> new AtomicInteger())
                          .incrementAndGet();
                      if (r.statusCode() == 202) {
                        acknowledged.add(ticker);
                        last202Nanos.set(now);
                        if (t0 >= watchFrom) {
                          firstOkAfter.accumulateAndGet(now, Math::min);
                        }
                      } else {
                        lastNon202Nanos.set(now);
                        Thread.sleep(
                            20); // a refused caller backs off a little, as Retry-After asks
                      }
                    } catch (java.io.IOException e) {
                      if (transportErrors.incrementAndGet() == 1) {
                        firstTransportError = e.toString();
                      }
                      slowestMillis.accumulateAndGet(
                          (System.nanoTime() - t0) / 1_000_000, Math::max);
                      Thread.sleep(20);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              },
              "uploader-" + c);
      t.setDaemon(true);
      t.start();
    }
  }

  /** From now on, remember the first request sent after this moment that got 202. */
  void watchRecoveryFrom(long nanos) {
    firstOkAfter.set(Long.MAX_VALUE);
    watchFrom = nanos;
  }

  /** Milliseconds from the watched moment to the first 202 sent after it, or -1 if none yet. */
  long recoveryMillis() {
    long ok = firstOkAfter.get();
    return ok == Long.MAX_VALUE ? -1 : (ok - watchFrom) / 1_000_000;
  }

  int count(int status) {
    AtomicInteger n = byStatus.get(status);
    return n == null ? 0 : n.get();
  }

  int errors() {
    int e = transportErrors.get();
    for (Map.Entry<Integer, AtomicInteger> s : byStatus.entrySet()) {
      if (s.getKey() != 202) {
        e += s.getValue().get();
      }
    }
    return e;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("uploaders did not stop within 60 s");
    }
  }

  @Override
  public String toString() {
    return "acknowledged="
        + acknowledged.size()
        + " statuses="
        + byStatus
        + " transportErrors="
        + transportErrors
        + (firstTransportError == null ? "" : " (first: " + firstTransportError + ")")
        + " slowest="
        + slowestMillis
        + "ms";
  }
}
