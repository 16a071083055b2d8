import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * W4's concurrent point reads: primary-key look-ups of random rows of the W4 table at a fixed
 * total rate, spread over a few threads, each with its own connection and prepared statement.
 * Latency is measured from each read's <em>scheduled</em> time, not from when it was actually
 * sent, so a stall shows in full (no coordinated omission).
 *
 * <p>Run with the service's fat jar on the class path (it holds the Vert.x MySQL client):
 * {@code java -cp target/ticker-universe-fat.jar bench/PointReads.java HOST PORT DB THREADS
 * RATE MAX_SECONDS STOP_FILE KEYS}. Prints {@code READY} once connected and warmed up, then reads
 * until STOP_FILE exists or MAX_SECONDS pass, and prints one {@code POINTREADS ...} line.
 * Keys are {@code E0000001} .. {@code E<KEYS>} (how bench.sh names the W4 rows).
 */
public final class PointReads {

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String db = args[2];
    int threads = Integer.parseInt(args[3]);
    double rate = Double.parseDouble(args[4]);
    long maxNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    Path stop = Path.of(args[6]);
    int keys = Integer.parseInt(args[7]);

    Vertx vertx = Vertx.vertx();
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(host).setPort(port).setDatabase(db).setUser("root");
    Pool pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(threads))
        .connectingTo(connect).using(vertx).build();
    String sql = "SELECT yahoo_ticker, last_referenced_at FROM ticker_universe WHERE yahoo_ticker = ?";

    List<SqlConnection> conns = new ArrayList<>();
    List<PreparedStatement> statements = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      SqlConnection c = await(pool.getConnection());
      conns.add(c);
      statements.add(await(c.prepare(sql)));
    }
    // warm-up: JIT of the client path, server-side caches
    for (int i = 0; i < 2000; i++) {
      await(statements.get(i % threads).query().execute(Tuple.of(key(keys))));
    }
    System.out.println("READY");
    System.out.flush();

    long intervalNanos = (long) (1e9 * threads / rate);
    long start = System.nanoTime();
    long deadline = start + maxNanos;
    long[][] samples = new long[threads][];
    int[] counts = new int[threads];
    long[] errors = new long[threads];
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      final int me = t;
      final PreparedStatement ps = statements.get(t);
      workers[t] = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int n = 0;
        long next = start + me * intervalNanos / threads;
        while (true) {
          long now = System.nanoTime();
          if (now >= deadline || (n % 64 == 0 && Files.exists(stop))) {
            break;
          }
          if (now < next) {
            LockSupport.parkNanos(next - now);   // finer than Thread.sleep, which rounds up to ms
            continue;
          }
          try {
            await(ps.query().execute(Tuple.of(key(keys))));
          } catch (Exception e) {
            errors[me]++;
          }
          long latency = System.nanoTime() - next;
          if (n == mine.length) {
            mine = Arrays.copyOf(mine, n * 2);
          }
          mine[n++] = latency;
          next += intervalNanos;
        }
        samples[me] = mine;
        counts[me] = n;
      }, "reader-" + t);
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    int total = 0;
    long errs = 0;
    for (int t = 0; t < threads; t++) {
      total += counts[t];
      errs += errors[t];
    }
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    System.out.printf("POINTREADS n=%d seconds=%.2f qps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d%n",
        total, seconds, total / seconds, ms(pct(all, 50)), ms(pct(all, 99)), ms(pct(all, 99.9)),
        ms(total == 0 ? 0 : all[total - 1]), errs);
    for (SqlConnection c : conns) {
      await(c.close());
    }
    await(pool.close());
    await(vertx.close());
  }

  private static String key(int keys) {
    return String.format("E%07d", 1 + ThreadLocalRandom.current().nextInt(keys));
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
