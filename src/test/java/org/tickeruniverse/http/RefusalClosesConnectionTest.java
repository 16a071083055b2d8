package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused for its size or its headers ends its connection at once: the rest of an
 * oversized body is never read, and the socket does not stay open until the idle time-out. Raw
 * sockets, because an HTTP client would hide when the server closes.
 */
class RefusalClosesConnectionTest {

  /** The server closes within this after its refusal; the idle time-out is 30 s. */
  static final int CLOSE_WITHIN_MILLIS = 1000;

  static Vertx vertx;
  static TestServer server;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = TestServer.start(vertx, Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
    vertx.close().await();
  }

  @Test
  void anOversizedBodyGets413AndTheConnectionEndsAtOnce() throws Exception {
    for (String connection : new String[] {"close", "keep-alive"}) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TestServer.CALLER
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + (8 << 20)
                    + "\r\nConnection: "
                    + connection
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        // More than the 64 KiB limit, far less than announced: the client is still "sending".
        out.write(new byte[128 * 1024]);
        out.flush();
        assertThat(statusThenClosed(s)).as("Connection: %s", connection).isEqualTo(413);
      }
    }
  }

  @Test
  void anOversizedHeaderBlockGets431AndTheConnectionEndsAtOnce() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream()
          .write(
              ("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: "
                      + "a".repeat(16 * 1024)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(statusThenClosed(s)).isEqualTo(431);
    }
  }

  @Test
  void aMalformedRequestGets400AndTheConnectionEndsAtOnce() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream()
          .write(
              "GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(statusThenClosed(s)).isEqualTo(400);
    }
  }

  /**
   * Reads the answer's status, then asserts the server closes within {@link #CLOSE_WITHIN_MILLIS}.
   */
  static int statusThenClosed(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n")) {
      int b = in.read();
      assertThat(b).as("an answer before the connection ends").isNotEqualTo(-1);
      head.write(b);
    }
    int status = Integer.parseInt(head.toString(StandardCharsets.US_ASCII).split(" ")[1]);
    long answered = System.nanoTime();
    s.setSoTimeout(CLOSE_WITHIN_MILLIS);
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) != -1) {
        // the rest of the answer
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError(
          "the server kept the connection open "
              + CLOSE_WITHIN_MILLIS
              + " ms after answering "
              + status);
    } catch (SocketException reset) {
      // closed with unread request bytes pending: the kernel resets instead of FIN; closed all the
      // same
    }
    assertThat((System.nanoTime() - answered) / 1_000_000).isLessThan(CLOSE_WITHIN_MILLIS);
    return status;
  }
}
