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
 * The README's settings table and {@code conf/ticker-universe.json} are derived from the
 * declarations in {@link Setting}; these tests fail when either drifts. With {@code
 * -Dsettings.write=true} they rewrite both first, so one command regenerates them:
 *
 * <pre>./mvnw -q test -Dtest=SettingsDocumentationTest -Dsettings.write=true</pre>
 */
class SettingsDocumentationTest {

  static final String REGENERATE =
      "run ./mvnw -q test -Dtest=SettingsDocumentationTest -Dsettings.write=true";
  static final String BEGIN =
      "<!-- settings:begin (generated from config/Setting.java; SettingsDocumentationTest checks it) -->";
  static final String END = "<!-- settings:end -->";
  static final boolean WRITE = Boolean.getBoolean("settings.write");

  static String table() {
    return "| variable | JSON path | default | meaning |\n| --- | --- | --- | --- |\n"
        + Setting.ALL.stream()
            .map(
                s ->
                    String.join(
                            " | ", "", s.env(), s.path(), s.documentedDefault(), s.meaning(), "")
                        .strip())
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  /**
   * The defaults file's layout: every setting but the profiled ones, whose defaults come from the
   * profile (a value in that file would override it).
   */
  static JsonObject defaults() {
    JsonObject out = new JsonObject();
    for (Setting<?> s : Setting.ALL) {
      if (!s.profiled()) {
        JsonObject section = out.getJsonObject(s.section(), new JsonObject());
        out.put(s.section(), section.put(s.component(), s.toJson(s.defaultValue())));
      }
    }
    return out;
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

  @Test
  void theConfDefaultsAreTheDeclaredDefaults() throws IOException {
    Path file = Path.of("conf/ticker-universe.json");
    JsonObject expected = defaults();
    if (WRITE) {
      Files.writeString(file, expected.encodePrettily() + "\n");
    }
    assertThat(new JsonObject(Files.readString(file)))
        .as("conf/ticker-universe.json is stale: " + REGENERATE)
        .isEqualTo(expected);
  }

  @Test
  void everyDeclaredSettingHasItsComponentAndItsDefault() {
    ServiceConfig c = ConfigLoader.load(List.of(), Map.of("TU_AUTH_DISABLED", "true"));
    for (Setting<?> s : Setting.ALL) {
      Object expected = s == Setting.AUTH_DISABLED ? Boolean.TRUE : s.defaultValue();
      assertThat(c.get(s)).as(s.path()).isEqualTo(s == Setting.HTTP_HOST ? "127.0.0.1" : expected);
    }
  }
}
