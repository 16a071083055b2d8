package org.tickeruniverse.testsupport;

import static org.tickeruniverse.testsupport.ServerSupport.READY_DEADLINE;
import static org.tickeruniverse.testsupport.ServerSupport.STOP_GRACE;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.tickeruniverse.testsupport.ServerSupport.ServerStartException;

/**
 * The life of a server process of our own, whatever the server: it lives in a temporary directory
 * and on a loopback port that both outlast {@link #stop()}, so that {@link #start()} brings back the
 * same server (the readiness tests depend on that), and {@link #close()} removes both for good.
 */
final class LocalProcess implements ServerLifecycle {

  static final String HOST = "127.0.0.1";

  /** A race for a port is rare; more than a few lost in a row means something else is wrong. */
  private static final int PORT_ATTEMPTS = 5;

  private final String label;
  private final Path root;
  private final Path log;
  private final IntFunction<List<String>> command;
  private final BooleanSupplier ready;
  private final List<Path> alsoDelete = new ArrayList<>();
  private int port;
  private Process process;
  private boolean closed;

  /**
   * Creates the directory only; {@link #startOnFreePort} starts the process. {@code command} maps a
   * port to the command line, {@code ready} is the server's own probe.
   */
  LocalProcess(String label, String dirPrefix, String logName, IntFunction<List<String>> command,
      BooleanSupplier ready) {
    this.label = label;
    this.command = command;
    this.ready = ready;
    this.root = ServerSupport.createTempDir(dirPrefix);
    this.log = root.resolve(logName);
    // registered before anything can fail, so that a failed start still leaves nothing behind
    ServerSupport.register(this);
  }

  Path root() {
    return root;
  }

  int port() {
    return port;
  }

  /** A file outside {@link #root()} (e.g. a socket that had to go to /tmp) to delete on close. */
  void deleteOnClose(Path path) {
    alsoDelete.add(path);
  }

  /**
   * The first start. Probing for a free port and the server binding it cannot be atomic, so when
   * the log says another process won the port ({@code portTakenSigns}) it tries another one.
   */
  void startOnFreePort(String... portTakenSigns) {
    for (int attempt = 1; ; attempt++) {
      port = ServerSupport.freePort();
      try {
        launch();
        return;
      } catch (ServerStartException e) {
        String tail = ServerSupport.tail(log, 20);
        boolean portTaken = false;
        for (String sign : portTakenSigns) {
          portTaken |= tail.contains(sign);
        }
        if (!portTaken || attempt >= PORT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void launch() {
    List<String> cmd = command.apply(port);
    try {
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(log.toFile()))
          .redirectInput(Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new ServerStartException("cannot run " + cmd, e);
    }
    ServerSupport.recordServer(root, process);
    try {
      ServerSupport.awaitReady(label + " on " + HOST + ":" + port, process, log, READY_DEADLINE, ready);
    } catch (RuntimeException e) {
      ServerSupport.terminate(process, Duration.ofSeconds(5));
      process = null;
      throw e;
    }
  }

  @Override
  public boolean controllable() {
    return true;
  }

  @Override
  public synchronized void stop() {
    if (process != null) {
      ServerSupport.terminate(process, STOP_GRACE);
      process = null;
    }
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    if (process != null && process.isAlive()) {
      return;
    }
    launch();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      ServerSupport.deleteRecursively(root);
      for (Path p : alsoDelete) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      }
      ServerSupport.unregister(this);
    }
  }

  @Override
  public String toString() {
    return label + " " + HOST + ":" + port + " (" + root + ")";
  }
}
