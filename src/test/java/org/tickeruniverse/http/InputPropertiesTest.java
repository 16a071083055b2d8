package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tickeruniverse.http.TestServer.CALLER;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.privacy.ContributorKey;

/**
 * Generated inputs against a running HTTP verticle with stand-in consumers. For every input: never
 * a 5xx; an invalid input never reaches the BUFFER consumer; a valid one reaches it as exactly the
 * normalised, distinct, sorted list, and the answer counts it.
 *
 * <p>The oracle below restates docs/DESIGN.md#operations independently of {@code TickerBatch}.
 */
class InputPropertiesTest {

  static final int MAX_TICKERS = 20; // small, so "too many" is reachable by generated lists
  static final Pattern GRAMMAR = Pattern.compile("[A-Z0-9.=^&-]{1,32}");
  static final String BUFFER = "/api/v1/tickers/buffer";

  static final Map<String, AtomicInteger> RUNS = new LinkedHashMap<>();
  static Vertx vertx;
  static TestServer server;

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    server =
        TestServer.start(
            vertx,
            Map.of(
                "TU_BUFFER_MAX_TICKERS",
                String.valueOf(MAX_TICKERS),
                "TU_HTTP_BODY_LIMIT_BYTES",
                "65536"));
  }

  @AfterContainer
  static void stop() {
    int total = RUNS.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.println("[property inputs] " + RUNS + " total=" + total + " (none answered 5xx)");
    server.close();
    vertx.close().await();
  }

  static void counted(String property) {
    RUNS.computeIfAbsent(property, p -> new AtomicInteger()).incrementAndGet();
  }

  // ---- 1. arbitrary strings as tickers ----------------------------------------------------

  @Property(tries = 1500)
  void arbitraryTickerLists(@ForAll("tickerLists") List<String> entries) {
    counted("tickerLists");
    int before = server.standIns.count(Addresses.BUFFER);
    HttpResponse<byte[]> r =
        server.post(
            BUFFER,
            CALLER,
            new JsonObject().put("tickers", new JsonArray(new ArrayList<>(entries))).encode());
    Optional<List<String>> expected = expected(entries);
    Statistics.collect(r.statusCode());
    assertThat(r.statusCode()).isLessThan(500);
    if (expected.isEmpty()) {
      Answers.assertError(r, 400, "invalid_input");
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before);
    } else {
      assertThat(r.statusCode()).as(Answers.text(r)).isEqualTo(202);
      assertThat(Answers.json(r).getInteger("buffered")).isEqualTo(expected.get().size());
      List<JsonObject> received = server.standIns.received(Addresses.BUFFER);
      assertThat(received).hasSize(before + 1);
      // The tickers exactly; beside them only the caller's contributor hash (never the token).
      JsonObject sent = received.get(received.size() - 1).copy();
      assertThat((String) sent.remove(Messages.CONTRIBUTOR))
          .isEqualTo(ContributorKey.callerDigest(CALLER, null))
          .doesNotContain(CALLER);
      assertThat(sent).isEqualTo(Messages.tickersRequest(expected.get()));
    }
  }

  @Provide
  Arbitrary<List<String>> tickerLists() {
    Arbitrary<String> plausible =
        Arbitraries.strings()
            .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-=^& \t")
            .ofMinLength(0)
            .ofMaxLength(34);
    Arbitrary<String> anyBmp =
        Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40);
    Arbitrary<String> hostile = Arbitraries.of(HostileInputTest.TICKER_CORPUS);
    Arbitrary<String> entry =
        Arbitraries.frequencyOf(Tuple.of(6, plausible), Tuple.of(3, anyBmp), Tuple.of(1, hostile));
    // Lists of grammatical tickers (any case, padded, blank or repeated) so that valid requests
    // are common too, and the answer's count is checked as often as the refusal.
    Arbitrary<String> grammatical =
        Arbitraries.strings().withChars("ABCXYZabcxyz0189.-=^&").ofMinLength(1).ofMaxLength(32);
    Arbitrary<String> padded =
        Arbitraries.oneOf(
            grammatical, grammatical.map(t -> "  " + t + "\t"), Arbitraries.of("", " ", "\n"));
    return Arbitraries.frequencyOf(
        Tuple.of(1, entry.list().ofMaxSize(MAX_TICKERS + 5)),
        Tuple.of(1, padded.list().ofMaxSize(MAX_TICKERS + 2)));
  }

  // ---- 2. arbitrary JSON values as bodies -------------------------------------------------

  @Property(tries = 1500)
  void arbitraryJsonBodies(@ForAll("jsonBodies") Object body) {
    counted("jsonBodies");
    int before = server.standIns.count(Addresses.BUFFER);
    String text =
        body instanceof JsonObject o
            ? o.encode()
            : body instanceof JsonArray a ? a.encode() : io.vertx.core.json.Json.encode(body);
    HttpResponse<byte[]> r = server.post(BUFFER, CALLER, text);
    Statistics.collect(r.statusCode());
    assertThat(r.statusCode()).as(Answers.text(r)).isIn(202, 400, 413);
    if (r.statusCode() == 202) {
      JsonObject sent = (JsonObject) body;
      List<String> expected = expected(sent.getJsonArray("tickers").getList()).orElseThrow();
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before + 1);
      assertThat(Answers.json(r).getInteger("buffered")).isEqualTo(expected.size());
    } else {
      Answers.assertError(
          r,
          r.statusCode(),
          r.statusCode() == 413
              ? "payload_too_large"
              : Answers.json(r).getJsonObject("error").getString("code"));
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<Object> jsonBodies() {
    Arbitrary<Object> value = json(3);
    Arbitrary<Object> tickersOf = value.map(v -> new JsonObject().put("tickers", v));
    Arbitrary<Object> tickersArrayOf =
        value
            .list()
            .ofMaxSize(6)
            .map(vs -> new JsonObject().put("tickers", new JsonArray(new ArrayList<>(vs))));
    Arbitrary<Object> withExtra =
        Arbitraries.strings()
            .alpha()
            .ofMinLength(1)
            .ofMaxLength(8)
            .map(k -> new JsonObject().put("tickers", new JsonArray().add("AAPL")).put(k, 1));
    return Arbitraries.frequencyOf(
        Tuple.of(2, value),
        Tuple.of(3, tickersOf),
        Tuple.of(4, tickersArrayOf),
        Tuple.of(1, withExtra));
  }

  static Arbitrary<Object> json(int depth) {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.of(true, false).map(b -> (Object) b).injectNull(0.15),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.strings()
                .withCharRange('\u0000', '\ud7ff')
                .ofMaxLength(20)
                .map(s -> (Object) s),
            Arbitraries.strings().withChars("ABCXYZ.-aq ").ofMaxLength(8).map(s -> (Object) s));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> array =
        Arbitraries.lazy(() -> json(depth - 1))
            .list()
            .ofMaxSize(4)
            .map(vs -> (Object) new JsonArray(new ArrayList<>(vs)));
    Arbitrary<Object> object =
        Arbitraries.maps(
                Arbitraries.strings().ofMaxLength(6), Arbitraries.lazy(() -> json(depth - 1)))
            .ofMaxSize(3)
            .map(m -> (Object) new JsonObject(new LinkedHashMap<>(m)));
    return Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(2, array), Tuple.of(1, object));
  }

  // ---- 3. arbitrary bytes, 4. arbitrary content types, 5. arbitrary paths -----------------

  @Property(tries = 600)
  void arbitraryBytesAsJson(@ForAll("bodies") byte[] body) {
    counted("rawBytes");
    int before = server.standIns.count(Addresses.BUFFER);
    HttpResponse<byte[]> r = server.postRaw(BUFFER, CALLER, "application/json", body);
    Statistics.collect(r.statusCode());
    assertThat(r.statusCode()).isIn(202, 400, 413);
    if (r.statusCode() != 202) {
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> prefixed =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(60)
            .map(tail -> concat("{\"tickers\":[\"".getBytes(StandardCharsets.UTF_8), tail));
    return Arbitraries.oneOf(random, prefixed);
  }

  @Property(tries = 400)
  void arbitraryContentTypes(@ForAll("contentTypes") String contentType) {
    counted("contentTypes");
    int before = server.standIns.count(Addresses.BUFFER);
    HttpResponse<byte[]> r =
        server.postRaw(BUFFER, CALLER, contentType, "{\"tickers\":[\"AAPL\"]}".getBytes());
    boolean json = JsonBodyGuard.mediaType(contentType).equals("application/json");
    Statistics.collect(r.statusCode());
    assertThat(r.statusCode()).isEqualTo(json ? 202 : 415);
    assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before + (json ? 1 : 0));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    Arbitrary<String> token =
        Arbitraries.strings().withChars("abcjsonpltxw/+-.;= ").ofMinLength(1).ofMaxLength(30);
    Arbitrary<String> jsonish =
        Arbitraries.of(
            "application/json",
            "APPLICATION/JSON",
            "application/json;charset=utf-8",
            "application/json ; charset=\"utf-8\"",
            "application/jsonp",
            "application/json+x",
            "application/ json");
    return Arbitraries.oneOf(token, jsonish).filter(s -> !s.isBlank() && s.strip().equals(s));
  }

  @Property(tries = 400)
  void arbitraryPathsAndMethods(@ForAll("paths") String path, @ForAll("methods") String method) {
    counted("pathsAndMethods");
    int before = server.standIns.count(Addresses.BUFFER);
    HttpResponse<byte[]> r =
        server.send(
            server
                .request(path, CALLER)
                .method(method, HttpRequest.BodyPublishers.ofString("{\"tickers\":[\"AAPL\"]}"))
                .header("Content-Type", "application/json")
                .build());
    Statistics.collect(r.statusCode());
    if (!path.equals("/health/ready")) { // 503 there is the honest answer: the stores are down
      assertThat(r.statusCode()).isLessThan(500);
    }
    if (!(method.equals("POST") && r.statusCode() == 202)) {
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "api",
                "v1",
                "tickers",
                "buffer",
                "universe",
                "admin",
                "flush",
                "..",
                ".",
                "",
                "%2e%2e",
                "%00"),
            Arbitraries.strings()
                .withCharRange('\u0000', '\ud7ff')
                .ofMaxLength(12)
                .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")));
    Arbitrary<String> random =
        segment.list().ofMinSize(1).ofMaxSize(5).map(parts -> "/" + String.join("/", parts));
    Arbitrary<String> known =
        Arbitraries.of(
            "/api/v1/tickers/buffer",
            "/api/v1/tickers/refresh",
            "/api/v1/tickers/upsert",
            "/api/v1/universe",
            "/api/v1/admin/flush",
            "/api/v1/admin/evict",
            "/api/v1/openapi.yaml",
            "/health/live",
            "/health/ready",
            "/metrics",
            "/api/v1/universe/",
            "/api/v1//universe",
            "/api/v1/universe?x=1",
            "/API/V1/UNIVERSE");
    return Arbitraries.oneOf(random, known);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO");
  }

  // ---- the oracle ------------------------------------------------------------------------

  /** The accepted tickers (distinct, sorted), or empty when the request must be refused. */
  static Optional<List<String>> expected(List<?> entries) {
    if (entries.size() > MAX_TICKERS) {
      return Optional.empty();
    }
    TreeSet<String> valid = new TreeSet<>();
    for (Object entry : entries) {
      if (!(entry instanceof String s)) {
        return Optional.empty();
      }
      String stripped = s.strip();
      if (stripped.isEmpty()) {
        continue;
      }
      String upper = stripped.toUpperCase(Locale.ROOT);
      if (!GRAMMAR.matcher(upper).matches()) {
        return Optional.empty();
      }
      valid.add(upper);
    }
    return Optional.of(List.copyOf(valid));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
