package org.tickeruniverse.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format}: {@code text} (logback.xml's pattern, the default) or {@code json}, one JSON
 * object per line from logback's own {@link JsonEncoder}.
 *
 * <p>Why Main switches the encoders after the configuration is loaded, rather than logback.xml
 * choosing by {@code ${TU_LOG_FORMAT}}: logback configures itself before {@code main} runs and sees
 * only the environment, so {@code --log.format=json} on the command line or in a {@code -conf} file
 * would be ignored. Switching here honours every configuration layer, and the appenders logback.xml
 * declares (and their privacy rules: which loggers, which levels) stay the only definition of where
 * lines go; only how each line is written changes.
 *
 * <p>The JSON fields are {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName},
 * {@code loggerName}, {@code formattedMessage} and, for an exception, {@code throwable}. Left out
 * on purpose: the raw message pattern and its argument array (the formatted message already says
 * it), the MDC and key-value pairs (nothing of ours sets them, so no library can slip a value into
 * a line unseen) and logback's context block (the same on every line). Privacy
 * (docs/DESIGN.md#privacy-rules) is the same in both formats: the encoders only write what the code
 * logs.
 *
 * <p>Cost: a JSON line takes a little longer to encode than a text line, and is about twice as long
 * (docs/PERFORMANCE.md#json-log-lines); for the access log that work happens on the batching
 * appender's writer thread, never on an event loop.
 */
public final class LogFormat {

  public static final String TEXT = "text";
  public static final String JSON = "json";

  private LogFormat() {}

  /**
   * Switches every encoder-based appender of the running logback context to {@code format}; nothing
   * to do for {@code text}. Called once by Main, before anything else logs.
   */
  public static void apply(String format) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      apply(format, context);
    }
  }

  /**
   * As {@link #apply(String)}, on a given context (tests load logback.xml into one of their own).
   */
  public static void apply(String format, LoggerContext context) {
    if (!JSON.equals(format)) {
      return;
    }
    Set<Appender<ILoggingEvent>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Logger logger : context.getLoggerList()) {
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> appender = it.next();
        if (seen.add(appender)) {
          useEncoder(appender, jsonEncoder(context));
        }
      }
    }
  }

  /** A started encoder writing the JSON form described above. */
  public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonEncoder json = new JsonEncoder();
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMDC(false);
    json.setWithKVPList(false);
    json.setWithMarkers(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.setContext(context);
    json.start();
    return json;
  }

  private static void useEncoder(Appender<ILoggingEvent> appender, Encoder<ILoggingEvent> encoder) {
    // Stopped and started again: the writer of an appender holds on to its encoder (and the
    // batching appender's writer thread reads it without a lock). Nothing logs yet at this point.
    if (appender instanceof OutputStreamAppender<ILoggingEvent> stream) {
      stream.stop();
      stream.setEncoder(encoder);
      stream.start();
    } else if (appender instanceof BatchingConsoleAppender<ILoggingEvent> batching) {
      batching.stop();
      batching.setEncoder(encoder);
      batching.start();
    }
  }
}
