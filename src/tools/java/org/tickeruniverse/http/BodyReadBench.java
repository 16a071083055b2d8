package org.tickeruniverse.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * Not a test: a micro-benchmark of the edge's work on one W1 body (10 random tickers from a pool of
 * 5,000), the one pass ({@link TickersBody#read} + {@code finish}) against the two passes it
 * replaced (commit 49d5a19: a strict streaming read into a list of strings, then {@link
 * TickerBatch#parse}; its read loop is restated below). Rounds of the two alternate in one JVM, so
 * a loaded machine slows both alike and the ratio stays meaningful
 * (docs/PERFORMANCE.md#one-pass-over-a-ticker-body). Run: see that section.
 */
public final class BodyReadBench {

  private static final JsonFactory STRICT = new JsonFactory();
  private static final int BODIES = 4096;
  private static volatile int sink;

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Random random = new Random(1);
    String[] pool = new String[5000];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = "T" + Integer.toString(i * 7919, 36).toUpperCase();
    }
    byte[][] bodies = new byte[BODIES][];
    for (int i = 0; i < BODIES; i++) {
      JsonArray tickers = new JsonArray();
      for (int t = 0; t < 10; t++) {
        tickers.add(pool[random.nextInt(pool.length)]);
      }
      bodies[i] =
          new JsonObject().put("tickers", tickers).encode().getBytes(StandardCharsets.UTF_8);
    }
    TickersBody.Schema schema =
        TickersBody.Schema.of(
            new JsonObject(
                """
                {"type":"object","required":["tickers"],"additionalProperties":false,
                 "properties":{"tickers":{"type":"array","items":{"type":"string"}},
                 "contributor":{"type":"string","minLength":1,"maxLength":128,
                                "pattern":"^[ -~]+$"}}}"""),
            "bench");
    double[] onePass = new double[rounds];
    double[] twoPasses = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      twoPasses[r] = time(() -> twoPasses(bodies));
      onePass[r] = time(() -> onePass(bodies, schema));
    }
    int warm = rounds / 3; // the first third warms the JIT up
    double one = median(Arrays.copyOfRange(onePass, warm, rounds));
    double two = median(Arrays.copyOfRange(twoPasses, warm, rounds));
    System.out.printf(
        "ns per body, median of %d rounds of %d bodies: one pass %.0f, two passes (49d5a19) %.0f,"
            + " ratio %.2f%n",
        rounds - warm, BODIES, one, two, one / two);
  }

  private interface Work {
    void run() throws IOException;
  }

  private static double time(Work work) throws IOException {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / (double) BODIES;
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }

  private static void onePass(byte[][] bodies, TickersBody.Schema schema) {
    int n = 0;
    for (byte[] body : bodies) {
      n += TickersBody.read(body, schema).tickers().finish(1000).size();
    }
    sink = n;
  }

  private static void twoPasses(byte[][] bodies) throws IOException {
    int n = 0;
    for (byte[] body : bodies) {
      n += TickerBatch.parse(plainTickers(body), 1000).size();
    }
    sink = n;
  }

  /** The read of 49d5a19's TickersBody for a plain body: strict, into a list of strings. */
  private static List<String> plainTickers(byte[] bytes) throws IOException {
    try (JsonParser parser = STRICT.createParser(bytes)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      parser.nextToken();
      List<String> tickers = null;
      for (JsonToken f = parser.nextToken(); f != JsonToken.END_OBJECT; f = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("tickers".equals(name) && value == JsonToken.START_ARRAY) {
          tickers = new ArrayList<>();
          for (JsonToken e = parser.nextToken(); e != JsonToken.END_ARRAY; e = parser.nextToken()) {
            tickers.add(parser.getText());
          }
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new IOException("trailing content");
      }
      return tickers;
    }
  }
}
