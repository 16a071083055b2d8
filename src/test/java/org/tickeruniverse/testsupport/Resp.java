package org.tickeruniverse.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny blocking RESP2 client over {@link Socket}, for test set-up and assertions only (one
 * connection per call). Replies map to: simple string and bulk string to {@link String}, integer to
 * {@link Long}, array to {@code List<Object>}, nil to {@code null}; an error reply throws
 * {@link IllegalStateException} with Redis' message.
 */
final class Resp {

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final int timeoutMillis;

  Resp(String host, int port, String user, String password, int timeoutMillis) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.timeoutMillis = timeoutMillis;
  }

  /** Runs one command on a fresh connection (authenticating first when a password is known). */
  Object command(String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        if (user != null) {
          write(out, "AUTH", user, password);
        } else {
          write(out, "AUTH", password);
        }
        read(in);
      }
      write(out, args);
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Redis at " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** True when the server answers PING with PONG. */
  boolean ping() {
    try {
      return "PONG".equals(command("PING"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.write(bytes);
      b.write('\r');
      b.write('\n');
    }
    out.write(b.toByteArray());
    out.flush();
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by Redis");
    }
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis replied: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] data = in.readNBytes(len + 2);
        if (data.length != len + 2) {
          throw new EOFException("short bulk reply");
        }
        return new String(data, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read(in));
        }
        return list;
      }
      default:
        throw new IOException("unexpected RESP type byte '" + (char) type + "'");
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed by Redis");
      }
      if (prev == '\r' && c == '\n') {
        byte[] bytes = b.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      b.write(c);
      prev = c;
    }
  }
}
