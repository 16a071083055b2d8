package org.tickeruniverse.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table and {@code conf/ticker-universe.json} are derived from the
 * declarations in {@link Setting}; these tests fail when either drifts, and leave the expected text
 * under {@code target/generated-docs/} to copy in.
 */
class SettingsDocumentationTest {

  static final String BEGIN =
      "<!-- settings:begin (generated from config/Setting.java; SettingsDocumentationTest checks it) -->";
  static final String END = "<!-- settings:end -->";

  static String table() {
    return "| variable | JSON path | default | meaning |\n| --- | --- | --- | --- |\n"
        + Setting.ALL.stream()
            .map(
                s ->
                    "| "
                        + s.env()
                        + " | "
                        + s.path()
                        + " | "
                        + s.documentedDefault()
                        + " | "
                        + s.meaning()
                        + " |")
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  static JsonObject defaults() {
    return ServiceConfig.defaultsJson();
  }

  @Test
  void theReadmeTableListsEverySettingAsDeclared() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf(BEGIN);
    int to = readme.indexOf(END);
    String expected = table();
    write("settings-table.md", BEGIN + "\n" + expected + END + "\n");
    assertThat(from).as("README.md has the generated-table markers").isGreaterThanOrEqualTo(0);
    assertThat(readme.substring(from + BEGIN.length() + 1, to))
        .as("README settings table; expected text in target/generated-docs/settings-table.md")
        .isEqualTo(expected);
  }

  @Test
  void theConfDefaultsAreTheDeclaredDefaults() throws IOException {
    JsonObject expected = defaults();
    write("ticker-universe.json", expected.encodePrettily() + "\n");
    JsonObject conf = new JsonObject(Files.readString(Path.of("conf/ticker-universe.json")));
    assertThat(conf)
        .as(
            "conf/ticker-universe.json; expected text in target/generated-docs/ticker-universe.json")
        .isEqualTo(expected);
  }

  @Test
  void everyDeclaredSettingHasItsComponentAndRoundTripsThroughJson() {
    ServiceConfig c =
        ServiceConfig.fromJson(defaults().put("auth", new JsonObject().put("disabled", true)));
    for (Setting<?> s : Setting.ALL) {
      assertThat(c.get(s)).as(s.path()).isNotNull();
    }
    assertThat(ServiceConfig.fromJson(c.toJson())).isEqualTo(c);
  }

  private static void write(String name, String text) throws IOException {
    Path dir = Path.of("target", "generated-docs");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), text);
  }
}
