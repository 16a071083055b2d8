package org.tickeruniverse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log's appender: every line once and whole, on time, bounded, and what logback.xml
 * wires.
 */
class BatchingConsoleAppenderTest {

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final LoggerContext context = new LoggerContext();
  private PrintStream original;

  @BeforeEach
  void redirectStandardOutput() {
    context.setMDCAdapter(
        new LogbackMDCAdapter()); // what slf4j's binding gives the default context
    original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStandardOutput() {
    context.stop();
    System.setOut(original);
  }

  @Test
  void everyLineFromManyThreadsIsWrittenOnceAndWhole() throws Exception {
    BatchingConsoleAppender<ILoggingEvent> appender = appender(20, 1_000_000);
    Logger logger = logger(appender);
    int threads = 4;
    int perThread = 5_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  logger.info("line {} {}", id, i);
                }
              });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    appender.stop();

    List<String> lines =
        lines().stream().filter(l -> l.startsWith("line ")).collect(Collectors.toList());
    List<String> expected =
        IntStream.range(0, threads)
            .boxed()
            .flatMap(t -> IntStream.range(0, perThread).mapToObj(i -> "line " + t + " " + i))
            .collect(Collectors.toList());
    // Sorted and compared as lists: the same multiset as AssertJ's containsExactlyInAnyOrder,
    // whose pairwise search took about a second for 20,000 lines.
    assertThat(lines).hasSize(threads * perThread);
    assertThat(lines.stream().sorted().toList()).isEqualTo(expected.stream().sorted().toList());
    assertThat(appender.dropped()).isZero();
  }

  @Test
  void linesAppearWithinTheFlushIntervalWithoutAStop() {
    logger(appender(50, 1_000)).info("soon");

    await().atMost(Duration.ofSeconds(5)).until(() -> lines().contains("soon"));
  }

  @Test
  void beyondItsCapacityLinesAreDroppedAndTheDropIsReported() {
    // The writer would only wake after an hour: only stop() writes.
    BatchingConsoleAppender<ILoggingEvent> appender = appender(3_600_000, 10);
    Logger logger = logger(appender);
    for (int i = 0; i < 25; i++) {
      logger.info("n{}", i);
    }
    assertThat(lines()).as("nothing is written before the interval").isEmpty();
    appender.stop();

    List<String> lines = lines();
    assertThat(lines.subList(0, 10))
        .containsExactly("n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9");
    assertThat(lines.get(10)).contains("dropped 15 log lines");
    assertThat(lines).hasSize(11);
  }

  @Test
  void theServiceConfigurationSendsTheAccessLoggerThroughIt() throws Exception {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));

    Logger access = context.getLogger("access");
    assertThat(access.getAppender("ACCESS")).isInstanceOf(BatchingConsoleAppender.class);
    assertThat(access.isAdditive()).isFalse();
    access.info("POST /api/v1/tickers/buffer 202 1ms 12B");
    context.stop(); // as Main does before halting

    assertThat(lines())
        .anyMatch(
            l ->
                l.matches(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  access - POST /api/v1/tickers/buffer 202 1ms 12B"));
  }

  @Test
  void underJsonTheServiceConfigurationWritesOneObjectPerLineDropNoticeIncluded() throws Exception {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    LogFormat.apply(LogFormat.JSON, context);

    context.getLogger("access").info("POST /api/v1/tickers/buffer 202 1ms 12B");
    context
        .getLogger("org.tickeruniverse.Main")
        .warn("a \"quoted\"\nmulti-line {}", "message", new IllegalStateException("with a cause"));
    // The dropped-lines notice, through the same encoder: a tiny capacity and no writer wake-up.
    BatchingConsoleAppender<ILoggingEvent> small = appender(3_600_000, 1);
    small.setEncoder(LogFormat.jsonEncoder(context));
    Logger test = logger(small);
    test.info("kept");
    test.info("dropped");
    small.stop();
    context.stop();

    List<String> lines = lines();
    assertThat(lines).hasSize(4);
    List<io.vertx.core.json.JsonObject> objects =
        lines.stream().map(io.vertx.core.json.JsonObject::new).toList();
    assertThat(objects)
        .allSatisfy(
            o -> {
              assertThat(o.getString("level")).isNotBlank();
              assertThat(o.getString("loggerName")).isNotBlank();
              assertThat(o.getString("formattedMessage")).isNotNull();
              assertThat(o.getLong("timestamp")).isPositive();
              assertThat(o.fieldNames()).doesNotContain("arguments", "message", "mdc", "context");
            });
    assertThat(objects)
        .extracting(o -> o.getString("formattedMessage"))
        .contains(
            "POST /api/v1/tickers/buffer 202 1ms 12B", "a \"quoted\"\nmulti-line message", "kept");
    assertThat(objects)
        .anySatisfy(
            o ->
                assertThat(o.getJsonObject("throwable").getString("message"))
                    .isEqualTo("with a cause"));
    assertThat(objects)
        .anySatisfy(
            o -> {
              assertThat(o.getString("level")).isEqualTo("WARN");
              assertThat(o.getString("formattedMessage")).contains("dropped 1 log lines");
            });
  }

  private BatchingConsoleAppender<ILoggingEvent> appender(long flushIntervalMillis, int capacity) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    BatchingConsoleAppender<ILoggingEvent> appender = new BatchingConsoleAppender<>();
    appender.setContext(context);
    appender.setName("TEST");
    appender.setEncoder(encoder);
    appender.setFlushIntervalMillis(flushIntervalMillis);
    appender.setCapacity(capacity);
    appender.start();
    assertThat(appender.isStarted()).isTrue();
    return appender;
  }

  private Logger logger(BatchingConsoleAppender<ILoggingEvent> appender) {
    Logger logger = context.getLogger("test");
    logger.setAdditive(false);
    logger.addAppender(appender);
    return logger;
  }

  private List<String> lines() {
    String text = captured.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
  }
}
