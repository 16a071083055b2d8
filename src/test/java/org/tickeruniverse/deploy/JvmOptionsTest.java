package org.tickeruniverse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.util.ModularJavaUtils;
import com.hazelcast.logging.Logger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * conf/jvm.options, the one definition of the service's JVM options
 * (docs/OPERATIONS.md#jvm-options): a JVM started with it runs the memory bound it states, gives
 * Hazelcast the module access it checks for, lets JAVA_OPTS after it win as documented, and no
 * other file writes the options down again.
 */
class JvmOptionsTest {

  static final Path FILE = Paths.get("conf", "jvm.options").toAbsolutePath();

  /** The options of the file, as java reads an argument file: comments dropped, split on blanks. */
  static List<String> fileOptions() {
    try {
      List<String> options = new ArrayList<>();
      for (String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
        String text = line.replaceFirst("#.*", "").trim();
        if (!text.isEmpty()) {
          options.addAll(Arrays.asList(text.split("\\s+")));
        }
      }
      return options;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aJvmStartedWithTheFileRunsTheMemoryBoundItStates() throws Exception {
    List<String> options = fileOptions();
    assertThat(options)
        .contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
        .anyMatch(o -> o.startsWith("-Xmx"))
        .anyMatch(o -> o.startsWith("-XX:MaxDirectMemorySize="))
        .anyMatch(o -> o.startsWith("-XX:MaxMetaspaceSize="));
    Map<String, String> flags = finalFlags(List.of());
    assertThat(flags.get("MaxHeapSize")).isEqualTo(Long.toString(bytes(option(options, "-Xmx"))));
    assertThat(flags.get("MaxDirectMemorySize"))
        .isEqualTo(Long.toString(bytes(option(options, "-XX:MaxDirectMemorySize="))));
    assertThat(flags.get("MaxMetaspaceSize"))
        .isEqualTo(Long.toString(bytes(option(options, "-XX:MaxMetaspaceSize="))));
    assertThat(flags.get("UseSerialGC")).isEqualTo("true");
    assertThat(flags.get("ExitOnOutOfMemoryError")).isEqualTo("true");
  }

  @Test
  void javaOptsAfterTheFileWinAsDocumented() throws Exception {
    // docs/OPERATIONS.md#jvm-options: the example given there, word for word
    Map<String, String> flags = finalFlags(List.of("-Xmx512m", "-XX:-UseSerialGC", "-XX:+UseG1GC"));
    assertThat(flags.get("MaxHeapSize")).isEqualTo(Long.toString(512L << 20));
    assertThat(flags.get("UseG1GC")).isEqualTo("true");
    assertThat(flags.get("UseSerialGC")).isEqualTo("false");
    assertThat(flags.get("ExitOnOutOfMemoryError"))
        .as("the rest of the file still applies")
        .isEqualTo("true");
    assertThat(Files.readString(Paths.get("docs", "OPERATIONS.md")))
        .contains("JAVA_OPTS=\"-Xmx512m -XX:-UseSerialGC -XX:+UseG1GC\"");
  }

  @Test
  void hazelcastFindsTheModuleAccessItAsksFor() throws Exception {
    String warning = "without proper access";
    assertThat(run(List.of("@" + FILE), HazelcastAccessProbe.class.getName()))
        .doesNotContain(warning)
        .contains(HazelcastAccessProbe.DONE);
    // the probe can fail: without the file Hazelcast names what it lacks
    assertThat(run(List.of(), HazelcastAccessProbe.class.getName()))
        .contains(warning)
        .contains(HazelcastAccessProbe.DONE);
  }

  @Test
  void noOtherFileWritesTheOptionsDown() throws IOException {
    // a module option with its package, a manifest entry, or a memory option of the file
    Pattern written =
        Pattern.compile("--add-(opens|exports)[ =][a-z.]+/|<Add-(Opens|Exports)>|Memory=[0-9]");
    List<Path> roots =
        Stream.of(
                "scripts",
                "deploy",
                "docs",
                "README.md",
                "pom.xml",
                "service-pom.xml",
                "clients/python/tests",
                "src")
            .map(Paths::get)
            .filter(Files::exists)
            .toList();
    List<String> found = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text;
          try {
            text = Files.readString(f, StandardCharsets.UTF_8);
          } catch (java.nio.charset.MalformedInputException binary) {
            continue;
          }
          Matcher m = written.matcher(text);
          if (m.find()) {
            found.add(f + ": " + m.group());
          }
        }
      }
    }
    assertThat(found).as("JVM options written outside conf/jvm.options").isEmpty();
  }

  // ------------------------------------------------------------------------------------------

  /** Checks the module access the way a clustered node does, and says that it finished. */
  public static final class HazelcastAccessProbe {
    static final String DONE = "probe done";

    public static void main(String[] args) {
      ModularJavaUtils.checkJavaInternalAccess(Logger.getLogger(HazelcastAccessProbe.class));
      System.out.println(DONE);
    }
  }

  private static String option(List<String> options, String prefix) {
    return options.stream()
        .filter(o -> o.startsWith(prefix))
        .reduce((first, last) -> last)
        .map(o -> o.substring(prefix.length()))
        .orElseThrow();
  }

  /** 256m, 64k, 1g, or bytes. */
  private static long bytes(String size) {
    char unit = Character.toLowerCase(size.charAt(size.length() - 1));
    int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
    String digits = shift == 0 ? size : size.substring(0, size.length() - 1);
    return Long.parseLong(digits) << shift;
  }

  /** The JVM's final flags ({@code -XX:+PrintFlagsFinal}) with the file, then {@code extra}. */
  private static Map<String, String> finalFlags(List<String> extra) throws Exception {
    List<String> jvm = new ArrayList<>(List.of("@" + FILE));
    jvm.addAll(extra);
    jvm.add("-XX:+PrintFlagsFinal");
    Map<String, String> flags = new HashMap<>();
    Pattern line = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)");
    for (String l : run(jvm, "-version").split("\n")) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        flags.put(m.group(1), m.group(2));
      }
    }
    assertThat(flags).containsKey("MaxHeapSize");
    return flags;
  }

  /** {@code java JVM-OPTIONS -cp <test class path> MAIN} (or {@code -version}): its output. */
  private static String run(List<String> jvmOptions, String main) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    if (!main.startsWith("-")) {
      cmd.add("-Dhazelcast.logging.type=jdk");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
    }
    cmd.add(main);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s%n%s", cmd, text).isZero();
    return text;
  }
}
