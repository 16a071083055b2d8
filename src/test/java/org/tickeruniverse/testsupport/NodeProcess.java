package org.tickeruniverse.testsupport;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a process of its own: {@code java @conf/jvm.options -cp <the test class path>
 * org.tickeruniverse.Main <args>} with the given environment, output to a log file. For tests that
 * must kill a node the way a machine dies ({@link #kill()} is SIGKILL: no shutdown hook, no lease
 * release, no goodbye to the cluster). Always {@link #close() closed} by the test — and by a JVM
 * shutdown hook should the test JVM end first — so no process outlives the test.
 */
public final class NodeProcess implements AutoCloseable {

  /**
   * The JVM options of every service process in tests: the argument file that ships,
   * conf/jvm.options (docs/OPERATIONS.md#jvm-options), so that the memory bounds the fault suite
   * proves are those of a deployment.
   */
  public static final Path JVM_OPTIONS = Paths.get("conf", "jvm.options").toAbsolutePath();

  private final Process process;
  private final Path log;
  private final Thread hook;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.hook = new Thread(process::destroyForcibly, "node-process-reaper-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static NodeProcess start(Map<String, String> env, String... args) throws IOException {
    return start(env, List.of(), args);
  }

  /** With JVM flags after {@link #JVM_OPTIONS} (e.g. logback's configuration file). */
  public static NodeProcess start(
      Map<String, String> env, List<String> extraJvmFlags, String... args) throws IOException {
    return start(env, extraJvmFlags, Duration.ZERO, args);
  }

  /**
   * With the node's wall clock shifted by {@code clockOffset}: a non-zero offset runs {@link
   * SkewedClockMain}, which hands the shifted clock to {@code Main.run}; zero runs {@code Main}.
   */
  public static NodeProcess start(
      Map<String, String> env, List<String> extraJvmFlags, Duration clockOffset, String... args)
      throws IOException {
    Path log = Files.createTempFile("tu-node-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + JVM_OPTIONS);
    cmd.addAll(extraJvmFlags);
    cmd.add("-cp");
    // Under surefire this is the booter jar whose manifest names every class path entry.
    cmd.add(System.getProperty("java.class.path"));
    if (clockOffset.isZero()) {
      cmd.add("org.tickeruniverse.Main");
    } else {
      cmd.add(SkewedClockMain.class.getName());
      cmd.add(Long.toString(clockOffset.toMillis()));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.to(log.toFile()))
            .redirectInput(Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("TU_"));
    pb.environment().put("TU_PRIVACY_PROFILE", TestConfigs.BASELINE_PROFILE);
    pb.environment().putAll(env);
    return new NodeProcess(pb.start(), log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + process.pid() + " survived SIGKILL for 30 s");
    }
  }

  /** SIGTERM (an orderly stop: the shutdown hook runs), and wait until the process is gone. */
  public int stop() throws InterruptedException, IOException {
    // kill(1), as GracefulShutdownIT does: an orchestrator's SIGTERM, whatever Process.destroy()
    // does here.
    signal("TERM");
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "process " + process.pid() + " did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** Every line the process printed so far (standard output and error). */
  public List<String> output() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL}) to this process. */
  public void signal(String name) throws IOException, InterruptedException {
    signal(process.pid(), name);
  }

  /** Sends a signal by name to any process of the test's own (a server it started). */
  public static void signal(long pid, String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid + " failed");
    }
  }

  /**
   * A line of /proc/PID/status in kB, e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak).
   */
  public long memoryKb(String field) throws IOException {
    for (String line :
        Files.readAllLines(Paths.get("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + process.pid() + "/status");
  }

  /** The last lines of the process's output, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }
}
