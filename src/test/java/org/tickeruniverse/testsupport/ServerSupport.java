package org.tickeruniverse.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small helpers shared by the server handles: ports, binaries, temp dirs, readiness, clean-up. */
final class ServerSupport {

  /** How long a server may take to answer after its process was started. */
  static final Duration READY_DEADLINE = Duration.ofSeconds(60);

  /** How long a graceful stop (SIGTERM) may take before the process is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private static final Set<AutoCloseable> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean hookInstalled;

  private ServerSupport() {}

  // ------------------------------------------------------------------ environment

  static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      v = System.getProperty(name);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** {@code TU_TEST_SERVERS=local} skips the Docker probe and always starts local processes. */
  static boolean dockerAllowed() {
    String mode = env("TU_TEST_SERVERS");
    return mode == null || !mode.equalsIgnoreCase("local");
  }

  private static volatile Boolean dockerAvailable;

  static boolean dockerAvailable() {
    if (!dockerAllowed()) {
      return false;
    }
    Boolean d = dockerAvailable;
    if (d == null) {
      synchronized (ServerSupport.class) {
        d = dockerAvailable;
        if (d == null) {
          try {
            d = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
          } catch (Throwable t) {
            d = false;
          }
          dockerAvailable = d;
        }
      }
    }
    return d;
  }

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  // ------------------------------------------------------------------ ports and binaries

  /**
   * A port that was free a moment ago on 127.0.0.1 (the caller retries if it is taken meanwhile).
   */
  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    }
  }

  /** True when something accepts TCP connections on host:port. */
  static boolean portOpen(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The first executable named one of {@code names} on PATH, /usr/sbin, /usr/bin,
   * /usr/local/{s,}bin.
   */
  static Path findBinary(String hint, String... names) {
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(
        List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"));
    for (String name : names) {
      for (String d : dirs) {
        Path p = Paths.get(d, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException(
        String.join(" / ", names) + " not found on PATH nor in " + dirs + ". " + hint);
  }

  static final String INSTALL_HINT =
      "Install the Debian packages (as root: apt-get update && "
          + "DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools mariadb-server "
          + "mariadb-client), or run scripts/test.sh which does it, or point the tests at running servers "
          + "with TU_TEST_REDIS_URL / TU_TEST_MYSQL_URL.";

  // ------------------------------------------------------------------ files

  /**
   * A new directory {@code java.io.tmpdir/PREFIX*} with an {@code owner.pid} file naming this JVM,
   * so that a later JVM can clean up after this one if it is killed without running its shutdown
   * hook.
   */
  static Path createTempDir(String prefix) {
    reapOrphansOnce();
    try {
      Path dir = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), prefix);
      Files.writeString(dir.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  private static final String OWNER_FILE = "owner.pid";
  private static final String SERVER_FILE = "server.pid";
  private static volatile boolean reaped;

  /** Records the server process started for the directory {@code root} (pid and start time). */
  static void recordServer(Path root, Process process) {
    ProcessHandle h = process.toHandle();
    String start = h.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse("");
    try {
      Files.writeString(root.resolve(SERVER_FILE), h.pid() + " " + start);
    } catch (IOException e) {
      // only needed by the orphan clean-up
    }
  }

  private static void reapOrphansOnce() {
    if (reaped) {
      return;
    }
    synchronized (ServerSupport.class) {
      if (!reaped) {
        reaped = true;
        reapOrphans();
      }
    }
  }

  /**
   * Kills servers left behind by test JVMs that died without running their shutdown hook (kill -9)
   * and deletes their directories. A server is killed only when its directory's owner JVM is gone
   * and its pid still runs with the start time recorded when it was launched, i.e. it is exactly
   * the process this test support started.
   */
  static void reapOrphans() {
    Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
    try (java.nio.file.DirectoryStream<Path> dirs =
        Files.newDirectoryStream(tmp, "tu-{redis,mariadb}-*")) {
      for (Path dir : dirs) {
        try {
          Path owner = dir.resolve(OWNER_FILE);
          if (!Files.isRegularFile(owner)) {
            continue;
          }
          long ownerPid = Long.parseLong(Files.readString(owner).trim());
          if (ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          Path server = dir.resolve(SERVER_FILE);
          if (Files.isRegularFile(server)) {
            String[] f = Files.readString(server).trim().split(" ");
            long pid = Long.parseLong(f[0]);
            String start = f.length > 1 ? f[1] : "";
            ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(
                    h ->
                        !start.isEmpty()
                            && h.info()
                                .startInstant()
                                .map(i -> String.valueOf(i.toEpochMilli()).equals(start))
                                .orElse(false))
                .ifPresent(
                    h -> {
                      System.err.println(
                          "[testsupport] killing server " + pid + " left behind in " + dir);
                      h.destroyForcibly();
                      long end = System.nanoTime() + 10_000_000_000L;
                      while (h.isAlive() && System.nanoTime() - end < 0) {
                        try {
                          Thread.sleep(20);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          break;
                        }
                      }
                    });
          }
          deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
          // not ours to judge (other user, half-written): leave it
        }
      }
    } catch (IOException e) {
      // best effort
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("[testsupport] could not delete " + dir + ": " + e);
    }
  }

  static void copyRecursively(Path from, Path to) {
    try {
      Files.walkFileTree(
          from,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                throws IOException {
              Files.createDirectories(to.resolve(from.relativize(d).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isRegularFile()) {
                Files.copy(
                    file,
                    to.resolve(from.relativize(file).toString()),
                    StandardCopyOption.COPY_ATTRIBUTES);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** The last {@code lines} lines of a log file, for error messages. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      List<String> last = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
      return String.join(System.lineSeparator(), last);
    } catch (IOException e) {
      return "(no log at " + file + ": " + e + ")";
    }
  }

  // ------------------------------------------------------------------ readiness

  /**
   * Polls {@code probe} until it answers true. Fails early when the process exited, and after the
   * deadline; the error names the server and carries the tail of its log.
   */
  static void awaitReady(
      String what, Process process, Path log, Duration deadline, BooleanSupplier probe) {
    awaitReady(
        what,
        process,
        () -> "Last lines of " + log + ":" + System.lineSeparator() + tail(log, 40),
        deadline,
        probe);
  }

  /** As above, with the log tail computed by {@code logTail} (e.g. a container's logs). */
  static void awaitReady(
      String what,
      Process process,
      Supplier<String> logTail,
      Duration deadline,
      BooleanSupplier probe) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      if (probe.getAsBoolean()) {
        return;
      }
      if (process != null && !process.isAlive()) {
        throw new ServerStartException(
            what
                + " exited with status "
                + process.exitValue()
                + " before it became ready. "
                + logTail.get());
      }
      if (System.nanoTime() - end > 0) {
        throw new ServerStartException(
            what + " did not become ready within " + deadline.toSeconds() + " s. " + logTail.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServerStartException("interrupted while waiting for " + what);
      }
    }
  }

  /** The last {@code lines} lines of a text. */
  static String lastLines(String text, int lines) {
    String[] all = text.split("\\R");
    return String.join(
        System.lineSeparator(),
        java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /**
   * SIGTERM, wait up to {@code grace}, then SIGKILL; also for any child the process may have left.
   */
  static void terminate(Process process, Duration grace) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }

  // ------------------------------------------------------------------ safety net

  /** Remembers a resource to close from a JVM shutdown hook if nobody closed it before. */
  static void register(AutoCloseable resource) {
    installHook();
    LIVE.add(resource);
  }

  static void unregister(AutoCloseable resource) {
    LIVE.remove(resource);
  }

  static void installHook() {
    if (hookInstalled) {
      return;
    }
    synchronized (ServerSupport.class) {
      if (hookInstalled) {
        return;
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    for (AutoCloseable c : new ArrayList<>(LIVE)) {
                      try {
                        c.close();
                      } catch (Throwable t) {
                        System.err.println("[testsupport] shutdown hook: " + t);
                      }
                    }
                    MariaDbServers.deleteTemplate();
                  },
                  "testsupport-cleanup"));
      hookInstalled = true;
    }
  }

  /** Thrown when a server cannot be started or does not become ready. */
  static final class ServerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerStartException(String message) {
      super(message);
    }

    ServerStartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
