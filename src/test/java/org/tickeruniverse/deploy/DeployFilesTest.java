package org.tickeruniverse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.Setting;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files under deploy/ and ops/ cannot be run here (no container engine, no cluster), so this
 * checks what can be checked without one: they parse, every TU_* name they use is a setting the
 * service knows, their ports are the defaults of conf/ticker-universe.json, the image runs
 * conf/jvm.options, and every alert links an existing runbook entry.
 *
 * <p>SnakeYAML comes with vertx-openapi (compile scope). It is deliberately not declared here as a
 * test dependency: a direct test-scope declaration wins over the transitive one, takes SnakeYAML
 * out of the fat jar, and the service then fails to build its router at start-up.
 */
class DeployFilesTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern SETTING_NAME = Pattern.compile("\\bTU_[A-Z0-9_]+");

  /** Every environment variable the service reads: the declared settings. */
  static Set<String> knownSettingNames() {
    return Setting.ALL.stream().map(Setting::env).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void theSettingsListIsRead() {
    // an empty list would make the next test vacuous
    assertThat(knownSettingNames())
        .contains("TU_HTTP_PORT", "TU_CLUSTER_HOST", "TU_REDIS_URL")
        .hasSizeGreaterThan(30);
  }

  @Test
  void everyYamlAndJsonFileParses() throws IOException {
    List<Path> files = structuredFiles();
    assertThat(files)
        .extracting(f -> ROOT.relativize(f).toString())
        .contains(
            "deploy/compose.yaml",
            "deploy/k8s/deployment.yaml",
            "ops/prometheus/alerts.yml",
            "ops/grafana/ticker-universe.json");
    for (Path file : files) {
      assertThat(parse(file)).as("%s holds at least one document", file).isNotEmpty();
    }
  }

  @Test
  void everyTuNameIsAKnownSetting() throws IOException {
    Set<String> known = new TreeSet<>(knownSettingNames());
    Map<String, String> unknown = new TreeMap<>();
    List<Path> files = new ArrayList<>(structuredFiles());
    files.add(ROOT.resolve("deploy/Dockerfile"));
    for (Path file : files) {
      Matcher m = SETTING_NAME.matcher(Files.readString(file));
      while (m.find()) {
        if (!known.contains(m.group())) {
          unknown.putIfAbsent(m.group(), ROOT.relativize(file).toString());
        }
      }
    }
    assertThat(unknown).as("TU_* names that are no setting (name -> first file)").isEmpty();
  }

  @Test
  void portsAreTheConfiguredDefaults() throws IOException {
    JsonObject conf = new JsonObject(Files.readString(ROOT.resolve("conf/ticker-universe.json")));
    int http = conf.getJsonObject("http").getInteger("port");
    int hazelcast = conf.getJsonObject("cluster").getInteger("port");
    assertThat(List.of(http, hazelcast)).containsExactly(8080, 5701);

    assertThat(Files.readAllLines(ROOT.resolve("deploy/Dockerfile")))
        .contains("EXPOSE " + http + " " + hazelcast);

    Map<String, Object> container =
        path(yaml("deploy/k8s/deployment.yaml"), "spec", "template", "spec", "containers", 0);
    Map<Object, Object> ports =
        ((List<?>) container.get("ports"))
            .stream()
                .map(p -> (Map<?, ?>) p)
                .collect(Collectors.toMap(p -> p.get("name"), p -> p.get("containerPort")));
    int ops = Integer.parseInt(env(container, "TU_NODE_OPS_PORT"));
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("http", http, "hazelcast", hazelcast, "ops", ops));
    assertThat((Object) path(yaml("deploy/k8s/hazelcast-service.yaml"), "spec", "ports", 0, "port"))
        .isEqualTo(hazelcast);
    assertThat(
            (Object)
                path(
                    yaml("deploy/k8s/deployment.yaml"),
                    "spec",
                    "template",
                    "metadata",
                    "annotations",
                    "prometheus.io/port"))
        .as("scraped on the internal ops port: /metrics on the API port needs an admin token")
        .isEqualTo(String.valueOf(ops));

    for (String node : List.of("node1", "node2")) {
      List<?> published = path(yaml("deploy/compose.yaml"), "services", node, "ports");
      assertThat(published).as(node).allMatch(p -> p.toString().endsWith(":" + http));
    }
  }

  /** The literal value of an environment variable of a container. */
  private static String env(Map<String, Object> container, String name) {
    return ((List<?>) container.get("env"))
        .stream()
            .map(e -> (Map<?, ?>) e)
            .filter(e -> name.equals(e.get("name")))
            .map(e -> String.valueOf(e.get("value")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + " is not set in the container"));
  }

  @Test
  void theImageRunsConfJvmOptions() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("deploy/Dockerfile"));
    assertThat(dockerfile)
        .contains("COPY conf/jvm.options /app/jvm.options")
        .containsPattern("ENTRYPOINT .*exec java @/app/jvm.options \\$JAVA_OPTS -jar ");
  }

  @Test
  void theContainerLimitHoldsTheHeap() throws IOException {
    Map<String, Object> resources =
        path(
            yaml("deploy/k8s/deployment.yaml"),
            "spec",
            "template",
            "spec",
            "containers",
            0,
            "resources");
    String limit = path(resources, "limits", "memory");
    Matcher xmx =
        Pattern.compile("-Xmx(\\d+)m").matcher(String.join(" ", JvmOptionsTest.fileOptions()));
    assertThat(xmx.find()).isTrue();
    assertThat(limit).endsWith("Mi");
    int limitMib = Integer.parseInt(limit.substring(0, limit.length() - 2));
    // beyond the heap: metaspace, code cache, thread stacks, Netty's direct buffers (~100 MB
    // measured)
    assertThat(limitMib).isGreaterThanOrEqualTo(Integer.parseInt(xmx.group(1)) + 100);
    assertThat((String) path(resources, "requests", "memory")).isEqualTo(limit);
  }

  @Test
  void everyAlertHasSeverityASummaryAndAnExistingRunbookEntry() throws IOException {
    String operations = Files.readString(ROOT.resolve("docs/OPERATIONS.md"));
    List<?> rules = path(yaml("ops/prometheus/alerts.yml"), "groups", 0, "rules");
    assertThat(rules).hasSizeGreaterThanOrEqualTo(7);
    for (Object r : rules) {
      Map<String, Object> rule = cast(r);
      String name = (String) rule.get("alert");
      assertThat((String) path(rule, "labels", "severity")).as(name).isIn("warning", "critical");
      assertThat((String) path(rule, "annotations", "summary")).as(name).isNotBlank();
      String runbook = path(rule, "annotations", "runbook_url");
      assertThat(runbook).as(name).startsWith("docs/OPERATIONS.md#");
      String anchor = runbook.substring(runbook.indexOf('#') + 1);
      assertThat(operations)
          .as("%s: anchor %s in docs/OPERATIONS.md", name, anchor)
          .contains("<a id=\"" + anchor + "\"></a>");
    }
  }

  // ------------------------------------------------------------------------------------------

  private static List<Path> structuredFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("deploy", "ops")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(Files::isRegularFile)
            .filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  private static List<Object> parse(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (file.toString().endsWith(".json")) {
      return List.of(new JsonObject(text).getMap());
    }
    List<Object> docs = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text).forEach(docs::add);
    return docs;
  }

  private static Map<String, Object> yaml(String file) throws IOException {
    return cast(parse(ROOT.resolve(file)).get(0));
  }

  /** Walks maps (by String key) and lists (by int index); fails the test on a missing step. */
  @SuppressWarnings("unchecked")
  private static <T> T path(Object node, Object... steps) {
    Object at = node;
    for (Object step : steps) {
      assertThat(at).as("at %s", step).isNotNull();
      at = step instanceof Integer i ? ((List<?>) at).get(i) : ((Map<?, ?>) at).get(step);
    }
    assertThat(at).as("value at %s", List.of(steps)).isNotNull();
    return (T) at;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }
}
