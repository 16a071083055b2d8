package org.tickeruniverse.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

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

  public static ServiceConfig load(List<String> args, Map<String, String> env) {
    return load(args, env, LoggerFactory.getLogger(ConfigLoader.class)::warn);
  }

  /** As {@link #load(List, Map)}, with each warning (an old environment name) to {@code warn}. */
  public static ServiceConfig load(
      List<String> args, Map<String, String> env, Consumer<String> warn) {
    JsonObject merged = defaults();
    // The environment, then the command line over it, as one map keyed by environment name.
    Map<String, String> flat = new HashMap<>();
    for (Setting<?> s : Setting.ALL) {
      if (s.oldEnv() != null && env.containsKey(s.oldEnv())) {
        // The name only, never the value: some are secrets.
        warn.accept(s.oldEnv() + " is deprecated and will be removed: use " + s.env());
        flat.put(s.env(), env.get(s.oldEnv()));
      }
    }
    flat.putAll(env);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-conf") || arg.equals("--conf")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("-conf needs a file name");
        }
        merged.mergeIn(readFile(Path.of(args.get(++i))), true);
      } else if (arg.equals("-cluster") || arg.equals("--cluster")) {
        flat.put(Setting.CLUSTER_ENABLED.env(), "true");
      } else if (arg.startsWith("--") && arg.contains("=")) {
        String path = arg.substring(2, arg.indexOf('='));
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
                                + Setting.ALL.stream().map(Setting::path).toList()));
        flat.put(setting.env(), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new ConfigException(
            "unknown command-line argument \""
                + arg
                + "\": use -conf FILE, -cluster, or --<setting>=<value> such as --http.port=9090");
      }
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
