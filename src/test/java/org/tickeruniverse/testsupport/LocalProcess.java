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
 * and on a loopback port that both outlast {@link #stop()}, so that {@link #start()} brings back
 * the same server (the readiness tests depend on that), and {@link #close()} removes both for good.
 */
final class LocalProcess extends OwnLifecycle {

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

  /**
   * Creates the directory only; {@link #startOnFreePort} starts the process. {@code command} maps a
   * port to the command line, {@code ready} is the server's own probe.
   */
  LocalProcess(
      String label,
      String dirPrefix,
      String logName,
      IntFunction<List<String>> command,
      BooleanSupplier ready) {
    this.label = label;
    this.command = command;
    this.ready = ready;
    this.root = ServerSupport.createTempDir(dirPrefix);
    this.log = root.resolve(logName);
    // at once: a JVM that ends in the middle of a start must still kill the process and remove the
    // directory
    ServerSupport.register(this);
  }

  Path root() {
    return root;
  }

  @Override
  public String host() {
    return HOST;
  }

  @Override
  public int port() {
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
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .redirectInput(Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new ServerStartException("cannot run " + cmd, e);
    }
    ServerSupport.recordServer(root, process);
    try {
      ServerSupport.awaitReady(
          label + " on " + HOST + ":" + port, process, log, READY_DEADLINE, ready);
    } catch (RuntimeException e) {
      ServerSupport.terminate(process, Duration.ofSeconds(5));
      process = null;
      throw e;
    }
  }

  @Override
  boolean up() {
    return process != null && process.isAlive();
  }

  @Override
  void bringUp() {
    launch();
  }

  @Override
  void bringDown() {
    if (process != null) {
      ServerSupport.terminate(process, STOP_GRACE);
      process = null;
    }
  }

  @Override
  void release() {
    try {
      bringDown();
    } finally {
      ServerSupport.deleteRecursively(root);
      for (Path p : alsoDelete) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  @Override
  public String toString() {
    return label + " " + HOST + ":" + port + " (" + root + ")";
  }
}
