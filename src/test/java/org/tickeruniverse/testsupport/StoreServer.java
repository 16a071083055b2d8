package org.tickeruniverse.testsupport;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * What a {@link RedisServer} and a {@link MariaDbServer} share: where the server runs and its life.
 * It is one of three: a process of ours, started by {@code scripts/lib/local-stores.sh} (the one
 * definition of the local processes, which the scripts use too) in a temporary directory; a
 * container of ours (when Docker is available, unless {@code TU_TEST_SERVERS=local}); or someone
 * else's server named by a URL ({@code TU_TEST_REDIS_URL} / {@code TU_TEST_MYSQL_URL}: not
 * {@linkplain #controllable() controllable}). Ours keep port and data across {@link #stop()} and
 * {@link #start()} (the fault tests restart them); {@link #close()} removes them for good, and a
 * JVM shutdown hook closes what a test left open.
 */
public abstract class StoreServer implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final Path LOCAL_STORES = Path.of("scripts/lib/local-stores.sh").toAbsolutePath();
  private static final Set<AutoCloseable> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(StoreServer::closeAll, "testsupport-cleanup"));
  }

  private final String kind;
  private String host = HOST;
  private int port;
  private final boolean external;
  private final List<String> extraArgs;
  private Path dir;
  private Process process;
  private GenericContainer<?> container;
  private boolean running;
  private boolean closed;

  /** Someone else's server. */
  StoreServer(String kind, String host, int port) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.external = true;
    this.extraArgs = List.of();
  }

  /** One of ours; the subclass starts it with {@link #startLocal} or {@link #startContainer}. */
  StoreServer(String kind, List<String> extraArgs) {
    this.kind = kind;
    this.external = false;
    this.extraArgs = List.copyOf(extraArgs);
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

  /** Data directory of a local process (the launcher's DIR argument). */
  Path dataDir() {
    return dir.resolve("data");
  }

  /**
   * Starts a process of ours on a free port. Probing a port and binding it cannot be atomic: when
   * the server lost the port to someone else, it tries another.
   */
  final void startLocal(Path data) {
    LIVE.add(this);
    dir = data.getParent();
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        String log = tail(dir.resolve("server.log"));
        if (attempt >= 5 || !(log.contains("already in use") || log.contains("Do you already"))) {
          close();
          throw e;
        }
      }
    }
  }

  private void launch() {
    List<String> cmd = new ArrayList<>(List.of("bash", LOCAL_STORES.toString(), kind));
    cmd.addAll(List.of(String.valueOf(port), dataDir().toString()));
    cmd.addAll(extraArgs);
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(dir.resolve("server.log").toFile()))
              .redirectInput(Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    }
    running = true;
    try {
      awaitReady(() -> ping() || !process.isAlive(), () -> tail(dir.resolve("server.log")));
      if (!process.isAlive()) {
        throw new IllegalStateException(kind + " exited:\n" + tail(dir.resolve("server.log")));
      }
    } catch (RuntimeException e) {
      terminate(process);
      running = false;
      throw e;
    }
  }

  /** Starts a container of ours, its port bound to a host port fixed now so restarts keep it. */
  final void startContainer(GenericContainer<?> c, int containerPort) {
    LIVE.add(this);
    container = c;
    port = freePort();
    c.withCreateContainerCmdModifier(
        cmd ->
            cmd.getHostConfig()
                .withPortBindings(
                    new PortBinding(Ports.Binding.bindPort(port), ExposedPort.tcp(containerPort))));
    try {
      c.start();
      host = c.getHost();
      running = true;
      awaitReady(this::ping, c::getLogs);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Stops the server (SIGTERM, or docker stop); its port then refuses connections. */
  public final synchronized void stop() {
    requireControllable("stopped");
    if (!running || closed) {
      return;
    }
    if (container != null) {
      container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
    } else {
      terminate(process);
    }
    running = false;
  }

  /** Starts the stopped server again on the same port and data, and waits until it answers. */
  public final synchronized void start() {
    requireControllable("started");
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    if (running) {
      return;
    }
    if (container != null) {
      container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
      running = true;
      awaitReady(this::ping, container::getLogs);
    } else {
      launch();
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
      deleteRecursively(dir);
    }
  }

  private void requireControllable(String what) {
    if (external) {
      throw new UnsupportedOperationException(this + " is not ours and cannot be " + what);
    }
  }

  @Override
  public String toString() {
    return kind + (external ? " (external) " : " ") + host + ":" + port;
  }

  // ------------------------------------------------------------------ shared helpers

  /** An environment variable, else the system property of that name; null when blank. */
  static String env(String name) {
    String v = System.getenv(name);
    v = v == null || v.isBlank() ? System.getProperty(name) : v;
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static Boolean docker;

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

  /** A loopback port that was free a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new temporary directory {@code tu-PREFIX*} holding {@code data/}. */
  static Path tempDataDir(String prefix) {
    try {
      Path root = Files.createTempDirectory("tu-" + prefix);
      return Files.createDirectories(root.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code ready} for up to 60 s; the error carries {@code detail} (e.g. the log tail). */
  static void awaitReady(BooleanSupplier ready, Supplier<String> detail) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new IllegalStateException("not ready within 60 s:\n" + detail.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
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

  /** The last 40 lines of a log, for error messages. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      System.err.println("[testsupport] could not delete " + dir + ": " + e);
    }
  }

  private static void closeAll() {
    for (AutoCloseable c : new ArrayList<>(LIVE)) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("[testsupport] shutdown hook: " + e);
      }
    }
  }
}
