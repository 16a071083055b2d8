package org.tickeruniverse.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Layers the configuration, later layers winning:
 *
 * <ol>
 *   <li>{@code conf/ticker-universe.json} shipped inside the jar (the defaults);
 *   <li>{@code -conf FILE}: a JSON file of the same shape, any subset of keys;
 *   <li>environment variables {@code TU_*} (see {@link Setting});
 *   <li>command-line options {@code --http.port=9090} (any setting's JSON path).
 * </ol>
 *
 * <p>Plain code rather than vertx-config's ConfigRetriever: the configuration decides how Vert.x
 * itself is built (clustered or not), so it has to exist before there is a Vertx to retrieve with.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "conf/ticker-universe.json";

  private ConfigLoader() {}

  /** What the command line asked for besides settings. */
  public static ServiceConfig load(List<String> args, Map<String, String> env) {
    JsonObject merged = defaults();
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-conf") || arg.equals("--conf")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("-conf needs a file name");
        }
        merged.mergeIn(readFile(Path.of(args.get(++i))), true);
      } else if (arg.equals("-cluster") || arg.equals("--cluster")) {
        overrides.add("--" + Setting.CLUSTER_ENABLED.path() + "=true");
      } else if (arg.startsWith("--") && arg.contains("=")) {
        overrides.add(arg);
      } else {
        throw new ConfigException(
            "unknown command-line argument \""
                + arg
                + "\": use -conf FILE, -cluster, or --<setting>=<value> such as --http.port=9090");
      }
    }
    // The command line beats the environment: fold both into one flat map keyed by env name.
    Map<String, String> flat = new java.util.HashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("TU_")) {
            flat.put(k, v);
          }
        });
    for (String o : overrides) {
      String path = o.substring(2, o.indexOf('='));
      String value = o.substring(o.indexOf('=') + 1);
      Setting<?> setting =
          Setting.ALL.stream()
              .filter(s -> s.path().equals(path))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "unknown setting --"
                              + path
                              + "; known: "
                              + Setting.ALL.stream().map(s -> s.path()).toList()));
      flat.put(setting.env(), value);
    }
    return new ConfigReader(merged, flat).read();
  }

  static JsonObject defaults() {
    try (InputStream in =
        ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(
            "the defaults " + DEFAULTS_RESOURCE + " are missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + DEFAULTS_RESOURCE + ": " + e.getMessage());
    }
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(
          "-conf " + file + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
    } catch (DecodeException e) {
      throw new ConfigException("-conf " + file + ": not a JSON object");
    }
  }
}
