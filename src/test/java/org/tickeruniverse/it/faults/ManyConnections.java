package org.tickeruniverse.it.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many keep-alive connections from one selector thread, each uploading one unique ticker about once
 * a second: overload by connection count rather than by request rate. Records every ticker answered
 * 202 and every other answer.
 */
final class ManyConnections implements AutoCloseable {

  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicInteger other = new AtomicInteger();
  final AtomicInteger connected = new AtomicInteger();
  private final Selector selector;
  private final Thread thread;
  private volatile boolean stopped;

  private static final class Conn {
    final SocketChannel ch;
    final int id;
    int seq;
    String inFlight;
    long nextAt;
    final StringBuilder received = new StringBuilder();

    Conn(SocketChannel ch, int id) {
      this.ch = ch;
      this.id = id;
    }
  }

  ManyConnections(int port, int count, String prefix) throws IOException {
    selector = Selector.open();
    for (int i = 0; i < count; i++) {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.connect(new InetSocketAddress("127.0.0.1", port));
      Conn c = new Conn(ch, i);
      // spread the first requests over a second
      c.nextAt = System.nanoTime() + (long) i * 1_000_000_000L / count;
      ch.register(selector, SelectionKey.OP_CONNECT, c);
    }
    thread = new Thread(() -> loop(prefix), "many-connections");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(String prefix) {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    try {
      while (!stopped) {
        selector.select(20);
        for (SelectionKey key : selector.selectedKeys()) {
          Conn c = (Conn) key.attachment();
          try {
            if (key.isConnectable() && c.ch.finishConnect()) {
              connected.incrementAndGet();
              key.interestOps(SelectionKey.OP_READ);
            } else if (key.isReadable()) {
              buf.clear();
              int n = c.ch.read(buf);
              if (n < 0) {
                key.cancel();
                c.ch.close();
                connected.decrementAndGet();
                continue;
              }
              c.received.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
              // One small answer at a time: complete once its JSON body closed.
              if (c.inFlight != null
                  && c.received.indexOf("\r\n\r\n") >= 0
                  && c.received.toString().endsWith("}")) {
                if (c.received.toString().startsWith("HTTP/1.1 202")) {
                  acknowledged.add(c.inFlight);
                } else {
                  other.incrementAndGet();
                }
                c.received.setLength(0);
                c.inFlight = null;
                c.nextAt = System.nanoTime() + 1_000_000_000L;
              }
            }
          } catch (IOException e) {
            key.cancel();
            other.incrementAndGet();
          }
        }
        selector.selectedKeys().clear();
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
          Conn c = (Conn) key.attachment();
          if (key.isValid() && c.ch.isConnected() && c.inFlight == null && now >= c.nextAt) {
            String ticker = prefix + c.id + "X" + c.seq++;
            String body = "{\"tickers\":[\"" + ticker + "\"]}";
            String req =
                "POST /api/v1/tickers/buffer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + Service.CALLER
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body;
            try {
              c.ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
              c.inFlight = ticker;
            } catch (IOException e) {
              key.cancel();
              other.incrementAndGet();
            }
          }
        }
      }
    } catch (IOException e) {
      other.incrementAndGet();
    }
  }

  @Override
  public void close() throws Exception {
    if (!selector.isOpen()) {
      return;
    }
    stopped = true;
    thread.join(10_000);
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
