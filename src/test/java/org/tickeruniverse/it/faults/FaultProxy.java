package org.tickeruniverse.it.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between the service and one store, for faults a signal cannot make: it forwards both
 * directions until told to {@link #freeze()} (accepts connections and holds every byte: a network
 * that swallows packets, a blackhole), {@link #thaw()} (delivers what it held, as TCP
 * retransmission would once a partition heals), or {@link #cut()} (resets every connection). Plain
 * blocking sockets, two threads per connection: the suite opens a few dozen at most.
 */
final class FaultProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean frozen;
  private volatile boolean closed;
  private volatile byte[] marker;
  private volatile boolean freezeAfterMarker;
  private final java.util.concurrent.CountDownLatch markerSeen =
      new java.util.concurrent.CountDownLatch(1);

  FaultProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Holds every byte in both directions, on open and new connections alike. */
  void freeze() {
    frozen = true;
  }

  /** Forwards again, starting with what was held. */
  void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /**
   * Freezes at the first client→store chunk that contains {@code text} (ASCII, any case): before
   * forwarding it ({@code after} false: the command never reaches the store) or right after ({@code
   * after} true: the store has it, its answer is held). How the suite stops a flush at a chosen
   * stage without a hook in the code under test.
   */
  void freezeOn(String text, boolean after) {
    freezeAfterMarker = after;
    marker = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Waits until {@link #freezeOn} fired. */
  boolean awaitMarker(long seconds) throws InterruptedException {
    return markerSeen.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Resets every open connection (RST, not FIN), as a crashed peer or middlebox would. */
  void cut() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    sockets.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        sockets.add(client);
        Thread t = new Thread(() -> connect(client), "fault-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void connect(Socket client) {
    try {
      awaitThawed();
      Socket upstream = new Socket();
      upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
      upstream.setTcpNoDelay(true);
      sockets.add(upstream);
      Thread back = new Thread(() -> pump(upstream, client, false), "fault-proxy-down");
      back.setDaemon(true);
      back.start();
      pump(client, upstream, true);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to, boolean towardsStore) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) != -1) {
        boolean hit = towardsStore && contains(buf, n, marker);
        if (hit && !freezeAfterMarker) {
          trip();
        }
        awaitThawed();
        out.write(buf, 0, n);
        out.flush();
        if (hit && freezeAfterMarker) {
          trip();
        }
      }
    } catch (IOException | InterruptedException e) {
      // a side closed or was cut
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private synchronized void trip() {
    if (marker != null) {
      marker = null;
      frozen = true;
      markerSeen.countDown();
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] m) {
    if (m == null) {
      return false;
    }
    outer:
    for (int i = 0; i + m.length <= n; i++) {
      for (int j = 0; j < m.length; j++) {
        if (Character.toLowerCase(buf[i + j])
            != Character.toLowerCase(m[j])) { // RESP command names in either case
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void awaitThawed() throws InterruptedException {
    synchronized (gate) {
      while (frozen && !closed) {
        gate.wait(100);
      }
    }
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    thaw();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    cut();
  }
}
