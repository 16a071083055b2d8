package org.tickeruniverse.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table is derived from the declarations in {@link ServiceConfig} and the
 * defaults in {@code conf/}; it fails when the table drifts, and with {@code -Dsettings.write=true}
 * rewrites it first, so one command regenerates it:
 *
 * <pre>./mvnw -q test -Dtest=SettingsDocumentationTest -Dsettings.write=true</pre>
 */
class SettingsDocumentationTest {

  static final String REGENERATE =
      "run ./mvnw -q test -Dtest=SettingsDocumentationTest -Dsettings.write=true";
  static final String BEGIN =
      "<!-- settings:begin (generated from config/ServiceConfig.java and conf/; SettingsDocumentationTest checks it) -->";
  static final String END = "<!-- settings:end -->";
  static final boolean WRITE = Boolean.getBoolean("settings.write");
  static final List<String> PROFILES = List.copyOf(Setting.PROFILES.fieldNames());

  static String table() {
    return "| variable | JSON path | default | meaning |\n| --- | --- | --- | --- |\n"
        + Setting.ALL.stream()
            .map(
                s ->
                    String.join(" | ", "", s.env(), s.path(), documentedDefault(s), s.doc(), "")
                        .strip())
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  /**
   * The default as the README shows it: empty values as "(none)"; a profiled setting as its value
   * under each profile ("by profile: off 1, standard 3, strict 5").
   */
  static String documentedDefault(Setting s) {
    return !s.profiled()
        ? shown(s.defaultValue())
        : PROFILES.stream()
            .map(p -> p + " " + shown(s.defaultFor(p)))
            .collect(Collectors.joining(", ", "by profile: ", ""));
  }

  private static String shown(Object value) {
    String text = String.valueOf(Setting.toJson(value));
    return text.isEmpty() ? "(none)" : text;
  }

  @Test
  void theReadmeTableListsEverySettingAsDeclared() throws IOException {
    Path file = Path.of("README.md");
    String readme = Files.readString(file);
    int from = readme.indexOf(BEGIN);
    int to = readme.indexOf(END);
    assertThat(from).as("README.md has the generated-table markers").isGreaterThanOrEqualTo(0);
    String expected = table();
    if (WRITE) {
      readme = readme.substring(0, from + BEGIN.length() + 1) + expected + readme.substring(to);
      Files.writeString(file, readme);
      to = readme.indexOf(END);
    }
    assertThat(readme.substring(from + BEGIN.length() + 1, to))
        .as("README settings table is stale: " + REGENERATE)
        .isEqualTo(expected);
  }

  /**
   * Every setting has its meaning and one default: in {@code conf/ticker-universe.json}, or under
   * every profile in {@code conf/privacy-profiles.json} (a value in both would hide the profile's),
   * and each default passes its own check. Neither file holds a key that is not a setting.
   */
  @Test
  void everySettingHasOneValidDefaultAndTheConfFilesNothingElse() {
    assertThat(PROFILES).containsExactly("off", "standard", "strict");
    Map<String, Integer> keys = new java.util.HashMap<>();
    count(Setting.DEFAULTS, "", keys);
    PROFILES.forEach(p -> count(Setting.PROFILES.getJsonObject(p), "", keys));
    for (Setting s : Setting.ALL) {
      assertThat(s.doc()).as(s.path() + " declares its meaning").isNotBlank();
      assertThat(keys.remove(s.path()))
          .as(s.path() + ": a default in conf/ticker-universe.json or one per profile")
          .isEqualTo(s.profiled() ? PROFILES.size() : 1);
      PROFILES.forEach(p -> assertThat(s.defaultFor(p)).as(s.path()).isNotNull());
    }
    assertThat(keys).as("keys in conf/ that are no setting").isEmpty();
  }

  private static void count(JsonObject json, String prefix, Map<String, Integer> keys) {
    json.forEach(
        e -> {
          if (e.getValue() instanceof JsonObject section) {
            count(section, prefix + e.getKey() + ".", keys);
          } else {
            keys.merge(prefix + e.getKey(), 1, Integer::sum);
          }
        });
  }

  @Test
  void theDefaultsLoadAsDeclared() {
    ServiceConfig c = ConfigLoader.load(List.of(), Map.of("TU_AUTH_DISABLED", "true"));
    for (Setting s : Setting.ALL) {
      Object expected = s.path().equals("auth.disabled") ? Boolean.TRUE : s.defaultFor("standard");
      assertThat(s.valueIn(c))
          .as(s.path())
          .isEqualTo(s.path().equals("http.host") ? "127.0.0.1" : expected);
    }
  }
}
