package org.tickeruniverse.testsupport;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A Redis or MariaDB server for tests, one of three behind one interface: a process of ours,
 * started by {@code scripts/lib/local-stores.sh} (the one definition of the local processes, the
 * scripts use it too); a container of ours (with Docker, unless {@code TU_TEST_SERVERS=local}); or
 * someone else's, named by {@code TU_TEST_REDIS_URL} / {@code TU_TEST_MYSQL_URL}, not {@linkplain
 * #controllable() controllable}. Ours keep port and data across {@link #stop()} and {@link
 * #start()}; {@link #close()} removes them, and a shutdown hook closes what a test left open.
 */
public abstract class StoreServer implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final String LOCAL_STORES = Path.of("scripts/lib/local-stores.sh").toAbsolutePath() + "";
  private static final Set<StoreServer> LIVE = ConcurrentHashMap.newKeySet();
  private static Boolean docker;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(StoreServer::close)));
  }

  private final String kind;
  private final List<String> args;
  private final boolean external;
  private String host;
  private int port;
  private Path dir;
  private GenericContainer<?> container;
  private Process process;
  private boolean running;
  private boolean closed;

  /** Someone else's server when {@code host} is not null, else one of ours (not started yet). */
  StoreServer(String kind, List<String> args, String host, int port) {
    this.kind = kind;
    this.args = List.copyOf(args);
    this.external = host != null;
    this.host = external ? host : HOST;
    this.port = port;
  }

  /** Whether the server answers now (PING, SELECT 1). */
  public abstract boolean ping();

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** False for someone else's server: {@link #stop()} and {@link #start()} then throw. */
  public boolean controllable() {
    return !external;
  }

  /**
   * First start of ours on a free port: a process with {@code data} as its data directory, or
   * {@code c} with {@code containerPort} bound to that port for good (so restarts keep it). Probing
   * a port and binding it cannot be atomic: when another process won the port, it tries another.
   */
  final void startOurs(Path data, GenericContainer<?> c, int containerPort) {
    LIVE.add(this);
    dir = data;
    container = c;
    if (c != null) {
      c.withCreateContainerCmdModifier(
          cmd ->
              cmd.getHostConfig()
                  .withPortBindings(
                      new PortBinding(
                          Ports.Binding.bindPort(port), ExposedPort.tcp(containerPort))));
    }
    for (int attempt = 1; ; attempt++) {
      port = TestConfigs.freePort();
      try {
        start();
        return;
      } catch (RuntimeException e) {
        String why = e + log();
        if (c != null) {
          c.stop(); // the next attempt creates a new container
        }
        if (attempt >= 5
            || !why.matches("(?s).*(already in use|already allocated|Do you already).*")) {
          close();
          throw e;
        }
      }
    }
  }

  /** Stops the server (SIGTERM, or docker stop); its port then refuses connections. */
  public final synchronized void stop() {
    if (external) {
      throw new UnsupportedOperationException(this + " is not ours to stop");
    }
    if (running && container != null) {
      container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
    } else if (running) {
      terminate(process);
    }
    running = false;
  }

  /** Starts the stopped server again on the same port and data, and waits until it answers. */
  public final synchronized void start() {
    if (external || closed) {
      throw new UnsupportedOperationException(this + " is not ours to start, or closed");
    }
    if (running && (container != null || process.isAlive())) {
      return; // (a test may have killed our process itself)
    }
    running = true;
    try {
      if (container == null) {
        List<String> cmd =
            new ArrayList<>(List.of("bash", LOCAL_STORES, kind, "" + port, "" + dir));
        cmd.addAll(args);
        process =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(dir.resolveSibling("server.log").toFile()))
                .redirectInput(Redirect.from(new File("/dev/null")))
                .start();
      } else if (container.getContainerId() == null) {
        container.start();
        host = container.getHost();
      } else {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
      }
      awaitReady(() -> ping() || (process != null && !process.isAlive()), this::log);
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(this + " exited:" + log());
      }
    } catch (IOException | RuntimeException e) {
      terminate(process);
      running = false;
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /** The last 40 lines of the server's output, for error messages. */
  private String log() {
    try {
      List<String> lines =
          container != null
              ? container.getLogs().lines().toList()
              : Files.readAllLines(dir.resolveSibling("server.log"), StandardCharsets.ISO_8859_1);
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return " (no log: " + e + ")";
    }
  }

  /**
   * Ends a server of ours for good and deletes its files; idempotent; no-op for an external one.
   */
  @Override
  public synchronized void close() {
    if (closed || external) {
      return;
    }
    closed = true;
    LIVE.remove(this);
    if (container != null) {
      container.stop();
    } else {
      terminate(process);
      run("rm", "-rf", dir.getParent().toString());
    }
  }

  @Override
  public String toString() {
    return kind + (external ? " (external) " : " ") + host + ":" + port;
  }

  /** Someone else's server, checked to answer. */
  static <T extends StoreServer> T answering(T server) {
    if (!server.ping()) {
      throw new IllegalStateException(server + " (TU_TEST_*_URL) does not answer");
    }
    return server;
  }

  /** An environment variable, else the system property of that name; null when blank. */
  static String env(String name) {
    String v = System.getenv(name);
    v = v == null || v.isBlank() ? System.getProperty(name) : v;
    return v == null || v.isBlank() ? null : v.trim();
  }

  static synchronized boolean dockerAvailable() {
    if (docker == null) {
      try {
        docker =
            !"local".equalsIgnoreCase(env("TU_TEST_SERVERS"))
                && DockerClientFactory.instance().isDockerAvailable();
      } catch (Throwable t) {
        docker = false;
      }
    }
    return docker;
  }

  /** A new directory {@code TMP/tu-PREFIX…/data}; the log goes beside {@code data}. */
  static Path tempDataDir(String prefix) {
    try {
      return Files.createDirectories(Files.createTempDirectory("tu-" + prefix).resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code ready} (an exception counts as not yet) for up to 60 s; the error has detail. */
  static void awaitReady(BooleanSupplier ready, Supplier<String> detail) {
    try {
      Awaitility.await()
          .atMost(60, TimeUnit.SECONDS)
          .pollInterval(50, TimeUnit.MILLISECONDS)
          .ignoreExceptions()
          .until(ready::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("not ready within 60 s: " + detail.get(), e);
    }
  }

  /** SIGTERM, up to 30 s for a graceful stop (MariaDB flushes), then SIGKILL. */
  static void terminate(Process p) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command to its end and returns its output; fails unless it exits with 0 in 2 min. */
  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
