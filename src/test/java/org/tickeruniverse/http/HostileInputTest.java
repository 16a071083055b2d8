package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tickeruniverse.http.TestServer.CALLER;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tickeruniverse.bus.Addresses;

/**
 * A replay of hostile inputs against every ticker route: each is refused (400/413/415), never a
 * 5xx, never reaches a consumer, and the answer leaks nothing of the implementation.
 */
class HostileInputTest {

  /** Hostile entries for the {@code tickers} array (also fed to the property tests). */
  static final List<String> TICKER_CORPUS =
      List.of(
          // SQL fragments
          "AAPL'; DROP TABLE ticker_universe; --",
          "' OR '1'='1",
          "AAPL\" OR 1=1 --",
          "1; SELECT SLEEP(10)",
          "UNION SELECT * FROM mysql.user",
          "AAPL')/*",
          "%' AND 1=0 UNION ALL SELECT NULL#",
          "\\'; --",
          // Redis protocol injection
          "\r\n*3\r\n$3\r\nDEL\r\n$4\r\nkeys\r\n",
          "AAPL\r\nFLUSHALL\r\n",
          "*1\r\n$8\r\nFLUSHALL\r\n",
          "{ticker_universe}:buffer:0",
          "ticker_universe:buffer:*",
          // NUL and control characters, ANSI escapes (log forging)
          "AA\u0000PL",
          "\u0000",
          "AAPL\u0007",
          "\u001b[31mAAPL",
          "AAPL\n2026-01-01 INFO access - GET /",
          "A\bAPL",
          // right-to-left and invisible characters
          "AAPL\u202E",
          "\u202EGOOG",
          "\u202DMSFT\u202C",
          "AA\u200BPL",
          "\u2066AAPL\u2069",
          "\uFEFFAAPL",
          // look-alikes and non-ASCII
          "ＡＡＰＬ",
          "АAPL",
          "AAPL\u0301",
          "€",
          "🚀",
          // length and shape
          "A".repeat(33),
          "A".repeat(10_000),
          "AA PL",
          "../../etc/passwd",
          "${jndi:ldap://x/a}",
          "<script>x</script>");

  static Vertx vertx;
  static TestServer server;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    server = TestServer.start(vertx, Map.of("TU_HTTP_BODY_LIMIT_BYTES", "65536"));
  }

  @org.junit.jupiter.api.BeforeEach
  void resetStandIns() {
    server.standIns.reset();
  }

  @AfterAll
  static void tearDown() {
    server.close();
    vertx.close().await();
  }

  static Stream<Arguments> tickerCases() {
    List<Arguments> out = new ArrayList<>();
    for (String path :
        List.of("/api/v1/tickers/buffer", "/api/v1/tickers/refresh", "/api/v1/tickers/upsert")) {
      for (String hostile : TICKER_CORPUS) {
        out.add(Arguments.of(path, hostile));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} [{index}]")
  @MethodSource("tickerCases")
  void hostileTickerIsRefused(String path, String hostile) {
    String body =
        new JsonObject().put("tickers", new JsonArray().add("AAPL").add(hostile)).encode();
    HttpResponse<byte[]> r = server.post(path, CALLER, body);
    JsonObject error = Answers.assertError(r, 400, "invalid_input");
    assertThat(error.getJsonArray("offenders")).hasSize(1);
    assertNothingReachedAConsumer();
  }

  /** Whole bodies: name, content type, bytes, acceptable statuses. */
  static Stream<Arguments> bodyCases() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("10 MB body", "application/json", tenMegabytes(), List.of(413)));
    out.add(
        Arguments.of(
            "10 MB non-JSON body", "text/plain", new byte[10 * 1024 * 1024], List.of(413, 415)));
    out.add(
        Arguments.of(
            "nested arrays past the parser's depth limit",
            "application/json",
            ("{\"tickers\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}").getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "nested arrays inside tickers",
            "application/json",
            ("{\"tickers\":[" + "[".repeat(900) + "\"AAPL\"" + "]".repeat(900) + "]}").getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "nested objects",
            "application/json",
            ("{\"tickers\":[],\"a\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}")
                .getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "unterminated nesting",
            "application/json",
            "[".repeat(60_000).getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "raw NUL bytes", "application/json", new byte[] {'{', 0, 0, '}'}, List.of(400)));
    out.add(
        Arguments.of(
            "raw NUL inside a string",
            "application/json",
            "{\"tickers\":[\"AA\u0000PL\"]}".getBytes(StandardCharsets.UTF_8),
            List.of(400)));
    out.add(
        Arguments.of(
            "overlong '/' (C0 AF)",
            "application/json",
            bytes("{\"tickers\":[\"A", 0xC0, 0xAF, "B\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "overlong 'A' (C1 81) that would decode to a valid ticker",
            "application/json",
            bytes("{\"tickers\":[\"", 0xC1, 0x81, "APL\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "3-byte overlong NUL (E0 80 80)",
            "application/json",
            bytes("{\"tickers\":[\"A", 0xE0, 0x80, 0x80, "\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "4-byte overlong (F0 80 80 AF)",
            "application/json",
            bytes("{\"tickers\":[\"A", 0xF0, 0x80, 0x80, 0xAF, "\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "UTF-16 surrogate encoded in UTF-8 (ED A0 80)",
            "application/json",
            bytes("{\"tickers\":[\"A", 0xED, 0xA0, 0x80, "\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "truncated multi-byte sequence",
            "application/json",
            bytes("{\"tickers\":[\"A", 0xE2, 0x82, "\"]}"),
            List.of(400)));
    out.add(
        Arguments.of(
            "UTF-16 body",
            "application/json",
            "{\"tickers\":[\"AAPL\"]}".getBytes(StandardCharsets.UTF_16),
            List.of(400)));
    out.add(
        Arguments.of(
            "gzip-encoded body (decompression is off)",
            "application/json",
            gzip(tenMegabytes()),
            List.of(400)));
    out.add(
        Arguments.of(
            "huge number",
            "application/json",
            "{\"tickers\":[1e999999999]}".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "long number",
            "application/json",
            ("{\"tickers\":[" + "9".repeat(50_000) + "]}").getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "duplicate keys",
            "application/json",
            "{\"tickers\":[\"BAD!\"],\"tickers\":[\"AAPL\"]}".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "JSON with comments",
            "application/json",
            "{/*x*/\"tickers\":[\"AAPL\"]}".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of("NaN", "application/json", "{\"tickers\":[NaN]}".getBytes(), List.of(400)));
    out.add(
        Arguments.of(
            "trailing comma",
            "application/json",
            "{\"tickers\":[\"AAPL\",]}".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "single quotes", "application/json", "{'tickers':['AAPL']}".getBytes(), List.of(400)));
    out.add(
        Arguments.of(
            "two documents",
            "application/json",
            "{\"tickers\":[]}{\"tickers\":[]}".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "trailing garbage",
            "application/json",
            "{\"tickers\":[\"AAPL\"]} DEL x".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "RESP in the body",
            "application/json",
            "*1\r\n$8\r\nFLUSHALL\r\n".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "SQL as the body",
            "application/json",
            "'; DROP TABLE ticker_universe; --".getBytes(),
            List.of(400)));
    out.add(
        Arguments.of(
            "RTL override in a key",
            "application/json",
            "{\"\u202Etickers\":[\"AAPL\"]}".getBytes(StandardCharsets.UTF_8),
            List.of(400)));
    out.add(
        Arguments.of(
            "form body claiming JSON",
            "application/x-www-form-urlencoded",
            "tickers=AAPL".getBytes(),
            List.of(415)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodyCases")
  void hostileBodyIsRefused(String name, String contentType, byte[] body, List<Integer> statuses) {
    for (String path : List.of("/api/v1/tickers/buffer", "/api/v1/tickers/upsert")) {
      HttpResponse<byte[]> r = server.postRaw(path, CALLER, contentType, body);
      assertThat(r.statusCode()).as(name + " on " + path + ": " + Answers.text(r)).isIn(statuses);
      Answers.assertError(
          r, r.statusCode(), Answers.json(r).getJsonObject("error").getString("code"));
      assertNothingReachedAConsumer();
    }
  }

  @Test
  void serverStillHealthyAfterTheCorpus() {
    hostileBodyIsRefused("warm-up", "application/json", tenMegabytes(), List.of(413));
    HttpResponse<byte[]> r =
        server.post("/api/v1/tickers/buffer", CALLER, "{\"tickers\":[\"AAPL\"]}");
    assertThat(r.statusCode()).isEqualTo(202);
  }

  @Test
  void nonAsciiThatUpperCasesToAsciiIsRefused() {
    for (String sneaky : List.of("ıbm", "ßpy", "ﬀ", "ａapl")) {
      HttpResponse<byte[]> r =
          server.post(
              "/api/v1/tickers/buffer",
              CALLER,
              new JsonObject().put("tickers", new JsonArray().add(sneaky)).encode());
      Answers.assertError(r, 400, "invalid_input");
    }
  }

  private static void assertNothingReachedAConsumer() {
    for (String address : List.of(Addresses.BUFFER, Addresses.REFRESH, Addresses.UPSERT)) {
      assertThat(server.standIns.count(address)).as(address).isZero();
    }
  }

  private static byte[] tenMegabytes() {
    StringBuilder b = new StringBuilder(10 * 1024 * 1024 + 64).append("{\"tickers\":[");
    while (b.length() < 10 * 1024 * 1024) {
      b.append("\"AAPL\",");
    }
    return b.append("\"AAPL\"]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
