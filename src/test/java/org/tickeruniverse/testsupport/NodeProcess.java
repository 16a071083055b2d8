package org.tickeruniverse.testsupport;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a process of its own: {@code java @conf/jvm.options -cp <the test class path>
 * org.tickeruniverse.Main <args>}, output to a log file. For tests that must kill a node the way a
 * machine dies ({@link #kill()}: no shutdown hook, no lease release, no goodbye to the cluster).
 * Closed by the test, or by a JVM shutdown hook should the test JVM end first.
 */
public final class NodeProcess implements AutoCloseable {

  /** The shipped JVM options (docs/OPERATIONS.md#jvm-options): a deployment's memory bounds. */
  public static final Path JVM_OPTIONS = Path.of("conf", "jvm.options").toAbsolutePath();

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
    return start(env, List.of(), Duration.ZERO, args);
  }

  /**
   * With JVM flags after {@link #JVM_OPTIONS}, and the node's wall clock shifted by {@code
   * clockOffset}: a non-zero offset runs {@link SkewedClockMain} instead of {@code Main}.
   */
  public static NodeProcess start(
      Map<String, String> env, List<String> jvmFlags, Duration clockOffset, String... args)
      throws IOException {
    Path log = Files.createTempFile("tu-node-", ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java") + "", "@" + JVM_OPTIONS));
    cmd.addAll(jvmFlags);
    // Under surefire this is the booter jar whose manifest names every class path entry.
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    if (clockOffset.isZero()) {
      cmd.add("org.tickeruniverse.Main");
    } else {
      cmd.addAll(List.of(SkewedClockMain.class.getName(), "" + clockOffset.toMillis()));
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

  /** SIGTERM by kill(1), as an orchestrator sends it; waits for the exit status. */
  public int stop() throws InterruptedException, IOException {
    signal("TERM");
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(process.pid() + " did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** Every line the process printed so far (standard output and error). */
  public List<String> output() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /** The last lines of the process's output, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = output();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL}) to this process. */
  public void signal(String name) throws IOException, InterruptedException {
    signal(process.pid(), name);
  }

  /** Sends a signal by name to any process of the test's own (a server it started). */
  public static void signal(long pid, String name) throws IOException, InterruptedException {
    StoreServer.run("kill", "-" + name, "" + pid);
  }

  /**
   * A line of /proc/PID/status in kB, e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak).
   */
  public long memoryKb(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + process.pid() + "/status");
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(hook);
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | IllegalStateException e) {
      // a temp file left; or the JVM is shutting down, and the hook runs anyway
    }
  }
}
