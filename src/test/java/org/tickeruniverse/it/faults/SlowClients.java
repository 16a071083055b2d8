package org.tickeruniverse.it.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile clients that open connections and stop half-way: half of them mid-header, half mid-body.
 * They are closed by {@link #close()}, or by the server's idle time-out.
 */
final class SlowClients implements AutoCloseable {

  private final List<SocketChannel> channels = new ArrayList<>();

  static SlowClients open(int port, int count) throws IOException {
    SlowClients s = new SlowClients();
    for (int i = 0; i < count; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      String partial =
          i % 2 == 0
              ? "POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: x\r\nContent-Type: applica"
              : "POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + Service.CALLER
                  + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"tickers\":[\"A";
      ch.write(ByteBuffer.wrap(partial.getBytes(StandardCharsets.US_ASCII)));
      s.channels.add(ch);
    }
    return s;
  }

  /** Connections the server has not closed (a read would not return -1 now). */
  int stillOpen() throws IOException {
    int open = 0;
    for (SocketChannel ch : channels) {
      ch.configureBlocking(false);
      if (ch.read(ByteBuffer.allocate(1024)) != -1) {
        open++;
      }
    }
    return open;
  }

  @Override
  public void close() {
    for (SocketChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
