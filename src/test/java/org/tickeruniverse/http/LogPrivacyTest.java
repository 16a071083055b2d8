package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.ops.LogFormat;

/**
 * docs/DESIGN.md#privacy-rules: a burst of requests from many distinct tokens, valid and invalid,
 * over every route and through every failure path, with all log output of the process captured. No
 * line may carry a token or a ticker; the access log has exactly one line per request and only the
 * allowed fields.
 */
class LogPrivacyTest {

  static final int CALLERS = 24;
  static final Pattern ACCESS_LINE =
      Pattern.compile(
          "(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD|OTHER) (-|/[a-z0-9/._]*) (\\d{3}|aborted) \\d+ms \\d+B");

  /** The text form of the shipped logback.xml; the JSON form is {@link LogFormat#jsonEncoder}. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{24} - %msg%n";

  @ParameterizedTest(name = "log.format={0}")
  @ValueSource(strings = {LogFormat.TEXT, LogFormat.JSON})
  void burstLeavesNoTokenAndNoTickerInAnyLogLine(String format) {
    List<String> callerTokens =
        IntStream.range(0, CALLERS)
            .mapToObj(i -> String.format("caller-%02d-%s", i, "Zq8xK2mP9vL4tR7w"))
            .toList();
    String adminToken = "admin-only-token-Hn3Jd8sQ1aXc";
    List<String> strangers =
        IntStream.range(0, 6).mapToObj(i -> "stranger-token-" + i + "-Yt5Bn1Mv").toList();
    // Distinctive tickers so a substring hit means a leak, not a coincidence.
    List<String> tickers =
        IntStream.range(0, CALLERS).mapToObj(i -> "QZX" + (char) ('A' + i) + ".WL").toList();
    List<String> universe = IntStream.range(0, 10).mapToObj(i -> "UVQ" + i + ".PR").toList();
    List<String> invalid =
        List.of("qzx bad one", "QZX-INVALID!", "<qzx>", "qzx\r\nINFO forged line");

    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    // The same events as the service writes them, in the format under test.
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> encoded =
        encodedAppender(format, root.getLoggerContext(), written);
    root.addAppender(encoded);
    Vertx vertx = Vertx.vertx();
    int requests = 0;
    try (TestServer server =
        TestServer.start(
            vertx,
            Map.of(
                "TU_AUTH_API_TOKENS",
                String.join(",", callerTokens),
                "TU_AUTH_ADMIN_TOKENS",
                adminToken,
                "TU_HTTP_BUS_TIMEOUT_MILLIS",
                "200",
                "TU_HTTP_ADMIN_TIMEOUT_MILLIS",
                "200"),
            universe)) {
      // Failure paths log too: make some consumers fail, time out, or answer garbage.
      server.standIns.override(
          Addresses.REFRESH, StandIns.failWith(ErrorCode.STORE_UNAVAILABLE, "redis down"));
      server.standIns.override(Addresses.UPSERT, msg -> Future.succeededFuture(new JsonObject()));
      server.standIns.override(Addresses.EVICT, StandIns.hang());
      server.standIns.override(Addresses.FLUSH, StandIns.rawFail(500, "boom"));

      List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        String token = callerTokens.get(i);
        String own = tickers.get(i);
        String lower = own.toLowerCase(Locale.ROOT);
        inFlight.add(
            async(
                server,
                "POST",
                "/api/v1/tickers/buffer",
                token,
                new JsonObject()
                    .put("tickers", new JsonArray().add(own).add(" " + lower + " "))
                    .encode()));
        inFlight.add(async(server, "POST", "/api/v1/tickers/refresh", token, tickersBody(own)));
        inFlight.add(async(server, "POST", "/api/v1/tickers/upsert", token, tickersBody(own)));
        inFlight.add(
            async(
                server,
                "POST",
                "/api/v1/tickers/buffer",
                token,
                tickersBody(own, invalid.get(i % invalid.size()))));
        inFlight.add(
            async(
                server, "POST", "/api/v1/tickers/buffer", token, "{\"tickers\":[\"" + own + "\""));
        inFlight.add(
            async(
                server,
                "POST",
                "/api/v1/tickers/buffer?ticker=" + own + "&token=" + token,
                token,
                tickersBody(own)));
        inFlight.add(async(server, "GET", "/api/v1/universe", token, null));
        inFlight.add(async(server, "GET", "/api/v1/" + own, token, null));
        inFlight.add(async(server, "POST", "/api/v1/admin/flush", token, null));
      }
      for (String stranger : strangers) {
        inFlight.add(
            async(server, "POST", "/api/v1/tickers/buffer", stranger, tickersBody(tickers.get(0))));
      }
      inFlight.add(async(server, "POST", "/api/v1/admin/flush", adminToken, null));
      inFlight.add(async(server, "POST", "/api/v1/admin/evict", adminToken, null));
      inFlight.add(async(server, "GET", "/health/ready", null, null));
      inFlight.add(async(server, "GET", "/health/live", null, null));
      inFlight.add(async(server, "GET", "/metrics", adminToken, null));
      for (CompletableFuture<HttpResponse<byte[]>> f : inFlight) {
        assertThat(f.join().statusCode()).isPositive();
        requests++;
      }
      assertThat(server.standIns.count(Addresses.BUFFER)).isEqualTo(CALLERS * 2);
    } finally {
      vertx.close().await();
      root.detachAppender(appender);
      root.detachAppender(encoded);
      encoded.stop();
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : appender.list) {
      String line =
          e.getLoggerName()
              + " "
              + e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()));
      lines.add(line);
    }
    List<String> secrets = new ArrayList<>();
    secrets.addAll(callerTokens);
    secrets.add(adminToken);
    secrets.addAll(strangers);
    for (String t : tickers) {
      secrets.add(t);
      secrets.add(t.toLowerCase(Locale.ROOT));
    }
    secrets.addAll(universe);
    secrets.addAll(invalid);
    secrets.add("qzx");
    secrets.add("QZX");
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).as("log line leaks %s", secret).doesNotContain(secret);
      }
    }

    List<ILoggingEvent> access =
        appender.list.stream().filter(e -> e.getLoggerName().equals(AccessLog.LOGGER)).toList();
    assertThat(access).hasSize(requests);
    assertThat(access).allSatisfy(e -> assertThat(e.getFormattedMessage()).matches(ACCESS_LINE));
    // No line at all carries a query string, an address or a user agent.
    assertThat(lines).noneMatch(l -> l.contains("?ticker=") || l.contains("Java-http-client"));

    // What was written, in either format: no secret in the bytes, nor in a decoded JSON value
    // (an escape sequence could hide one from a plain substring search), and one access line per
    // request with only the allowed fields.
    List<String> output = written.toString(StandardCharsets.UTF_8).lines().toList();
    List<String> accessWritten = new ArrayList<>();
    for (String line : output) {
      String readable = line;
      if (format.equals(LogFormat.JSON)) {
        JsonObject json = new JsonObject(line);
        assertThat(json.fieldNames())
            .contains("timestamp", "level", "loggerName", "formattedMessage");
        readable = json.getString("formattedMessage") + " " + json.getValue("throwable");
        if (AccessLog.LOGGER.equals(json.getString("loggerName"))) {
          accessWritten.add(json.getString("formattedMessage"));
        }
      } else if (line.contains(" " + AccessLog.LOGGER + " - ")) {
        accessWritten.add(
            line.substring(
                line.indexOf(" " + AccessLog.LOGGER + " - ") + AccessLog.LOGGER.length() + 4));
      }
      for (String secret : secrets) {
        assertThat(line).as("written line leaks %s", secret).doesNotContain(secret);
        assertThat(readable).as("written line leaks %s", secret).doesNotContain(secret);
      }
    }
    assertThat(accessWritten).hasSize(requests).allSatisfy(l -> assertThat(l).matches(ACCESS_LINE));
    System.out.println(
        "[log privacy, " + format + "] " + output.size() + " written lines checked;");
    System.out.println(
        "[log privacy] "
            + requests
            + " requests, "
            + lines.size()
            + " log lines checked against "
            + secrets.size()
            + " secrets");
  }

  private static OutputStreamAppender<ILoggingEvent> encodedAppender(
      String format, LoggerContext context, ByteArrayOutputStream sink) {
    Encoder<ILoggingEvent> encoder;
    if (format.equals(LogFormat.JSON)) {
      encoder = LogFormat.jsonEncoder(context);
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setContext(context);
      pattern.setPattern(TEXT_PATTERN);
      pattern.start();
      encoder = pattern;
    }
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("privacy-" + format);
    appender.setEncoder(encoder);
    appender.setOutputStream(sink);
    appender.start();
    return appender;
  }

  private static String tickersBody(String... tickers) {
    return new JsonObject().put(Messages.TICKERS, new JsonArray(List.of(tickers))).encode();
  }

  private static CompletableFuture<HttpResponse<byte[]>> async(
      TestServer server, String method, String path, String token, String body) {
    HttpRequest.Builder b = server.request(path, token);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return server.client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
