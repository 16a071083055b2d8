package org.tickeruniverse.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.role.VerticleName;

/**
 * Reads the configuration once, later layers winning: the defaults in {@code conf/} (inside the
 * jar; a profiled setting's from its privacy profile) &lt; {@code -conf FILE} (same JSON shape, any
 * subset) &lt; environment {@code TU_*} &lt; command line {@code --http.port=9090}. Each value is
 * parsed by its {@link Setting}, then the rules between settings are checked; every failure is a
 * one-line {@link ConfigException} naming the setting both ways and the value (never a secret's).
 *
 * <p>Plain code rather than vertx-config: the configuration decides how Vert.x itself is built
 * (clustered or not), so it exists before there is a Vertx to retrieve it with.
 */
public final class ConfigLoader {

  private final Map<String, String> flat = new HashMap<>(); // by environment name
  private final JsonObject files = new JsonObject();
  private final Map<Setting, Object> values = new HashMap<>();
  private final Consumer<String> warn;

  /** Settings that were removed; a -conf file may still set them (the value is ignored). */
  private static final Set<String> RETIRED = Set.of("http.maxConcurrentRequestsPerConnection");

  private ConfigLoader(Consumer<String> warn) {
    this.warn = warn;
  }

  public static ServiceConfig load(List<String> args, Map<String, String> env) {
    return load(args, env, LoggerFactory.getLogger(ConfigLoader.class)::warn);
  }

  /** As {@link #load(List, Map)}, with each warning (an old environment name) to {@code warn}. */
  public static ServiceConfig load(
      List<String> args, Map<String, String> env, Consumer<String> warn) {
    ConfigLoader loader = new ConfigLoader(warn);
    for (Setting s : Setting.ALL) {
      String was = s.was();
      if (!was.isEmpty() && env.containsKey(was)) {
        // The name only, never the value: some are secrets.
        warn.accept(was + " is deprecated and will be removed: use " + s.env());
        loader.flat.put(s.env(), env.get(was));
      }
    }
    loader.flat.putAll(env);
    loader.readArgs(args);
    return loader.read();
  }

  private void readArgs(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-conf") || arg.equals("--conf")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("-conf needs a file name");
        }
        Path file = Path.of(args.get(++i));
        JsonObject json = readFile(file);
        checkKeys(file, json, "");
        files.mergeIn(json, true);
      } else if (arg.equals("-cluster") || arg.equals("--cluster")) {
        flat.put(Setting.at("cluster.enabled").env(), "true");
      } else if (arg.startsWith("--") && arg.contains("=")) {
        String path = arg.substring(2, arg.indexOf('='));
        Setting setting =
            Setting.find(path)
                .orElseThrow(
                    () -> new ConfigException("unknown setting --" + path + "; known: " + paths()));
        flat.put(setting.env(), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new ConfigException(
            "unknown command-line argument \""
                + arg
                + "\": use -conf FILE, -cluster, or --<setting>=<value> such as --http.port=9090");
      }
    }
  }

  /**
   * A key of a {@code -conf} file that is no setting is refused, so a misspelt one does not
   * silently leave its default; a retired setting is only warned about (docs/MIGRATING.md).
   */
  private void checkKeys(Path file, JsonObject json, String prefix) {
    for (String key : json.fieldNames()) {
      String path = prefix + key;
      Object value = json.getValue(key);
      if (prefix.isEmpty() && value instanceof JsonObject section) {
        checkKeys(file, section, path + ".");
      } else if (RETIRED.contains(path)) {
        warn.accept("-conf " + file + ": " + path + " is no longer read (docs/MIGRATING.md)");
      } else if (Setting.find(path).isEmpty()) {
        throw new ConfigException(
            "-conf " + file + ": unknown setting " + path + "; known: " + paths());
      }
    }
  }

  private static List<String> paths() {
    return Setting.ALL.stream().map(Setting::path).toList();
  }

  private ServiceConfig read() {
    // The profile first: it chooses the defaults of the profiled settings.
    Setting profile = Setting.at("privacy.profile");
    values.put(profile, parse(profile, null));
    JsonObject profileDefaults = Setting.PROFILES.getJsonObject((String) values.get(profile));
    Setting.ALL.forEach(s -> values.computeIfAbsent(s, x -> parse(s, profileDefaults)));
    Setting afterHold = Setting.at("privacy.minContributorsAfterHold");
    int k = (int) values.get(Setting.at("privacy.minContributors"));
    if (userValue(afterHold) == null && (int) values.get(afterHold) > k) {
      // Only k was set, below the profile's after-hold threshold: the threshold follows it down
      // rather than making a one-setting change an error.
      values.put(afterHold, k);
    }
    // Without authentication the API is open to whoever can connect, so it may only be reachable
    // from this machine: the host is overridden, and Main says so at start-up.
    if ((boolean) values.get(Setting.at("auth.disabled"))) {
      values.put(Setting.at("http.host"), "127.0.0.1");
    }
    ServiceConfig config = bind();
    checkRules(config);
    return config;
  }

  private Object userValue(Setting s) {
    String fromEnv = flat.get(s.env());
    return fromEnv != null ? fromEnv : s.raw(files);
  }

  private Object parse(Setting s, JsonObject profileDefaults) {
    Object raw = userValue(s);
    if (raw == null) {
      return s.parse(s.raw(s.profiled() ? profileDefaults : Setting.DEFAULTS));
    }
    try {
      return s.parse(raw);
    } catch (Setting.Invalid e) {
      throw fail(s.path(), e.shown, e.getMessage());
    }
  }

  /** Each section record from its components' values, in declaration order (one reflection). */
  private ServiceConfig bind() {
    List<Object> sections = new ArrayList<>();
    for (RecordComponent section : ServiceConfig.class.getRecordComponents()) {
      List<Object> args = new ArrayList<>();
      Setting.ALL.stream()
          .filter(s -> s.path().startsWith(section.getName() + "."))
          .forEach(s -> args.add(values.get(s)));
      sections.add(construct(section.getType(), args));
    }
    return (ServiceConfig) construct(ServiceConfig.class, sections);
  }

  private static Object construct(Class<?> record, List<Object> args) {
    try {
      Class<?>[] types =
          Arrays.stream(record.getRecordComponents())
              .map(RecordComponent::getType)
              .toArray(Class<?>[]::new);
      return record.getDeclaredConstructor(types).newInstance(args.toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + record.getSimpleName(), e);
    }
  }

  /** Rules between settings; each names the setting to change. */
  private static void checkRules(ServiceConfig c) {
    int bucket = c.buffer().bucketSeconds();
    String prefix = c.buffer().keyPrefix();
    boolean redisCluster = Urls.scheme(c.redis().url()).equals("redis-cluster");
    boolean acks = c.buffer().ackReplicas() > 0;
    int commandTimeout = c.redis().commandTimeoutMillis();
    int k = c.privacy().minContributors();
    String shorter = "must be shorter than the bucket (" + bucket + " s)";
    require(
        3600 % bucket == 0,
        "buffer.bucketSeconds",
        bucket,
        "must divide an hour (3600 s) so buckets align to wall-clock boundaries");
    require(
        c.buffer().ttlSeconds() > bucket,
        "buffer.ttlSeconds",
        c.buffer().ttlSeconds(),
        "must be longer than the bucket (" + bucket + " s), or buckets expire before they close");
    require(
        !redisCluster || hashTag(prefix).isPresent(),
        "buffer.keyPrefix",
        prefix,
        "must contain a Redis Cluster hash tag such as {"
            + prefix.replaceAll("[{}]", "")
            + "} when "
            + env("redis.url")
            + " is redis-cluster://: every key the service touches (buckets, lease) must share one hash slot");
    require(
        c.flush().graceSeconds() < bucket, "flush.graceSeconds", c.flush().graceSeconds(), shorter);
    // A node that dies holding the lease delays the flush by at most one lease; shorter than a
    // bucket, that delay never makes a flush skip a whole boundary.
    require(
        c.flush().leaseSeconds() < bucket, "flush.leaseSeconds", c.flush().leaseSeconds(), shorter);
    // Verified with a single primary and with Sentinel; on Redis Cluster the client routes a
    // batch by its keys, and WAIT has none: not shown to reach the bucket's primary.
    require(
        !acks || !redisCluster,
        "buffer.ackReplicas",
        c.buffer().ackReplicas(),
        "is not supported with redis-cluster:// (use redis:// with replicas, or redis-sentinel://)");
    // The WAIT travels with the write as one command batch bounded by the command time-out: a
    // longer WAIT would be cut by it and answered as a store failure instead of "not replicated".
    require(
        !acks || c.buffer().ackTimeoutMillis() < commandTimeout,
        "buffer.ackTimeoutMillis",
        c.buffer().ackTimeoutMillis(),
        "must be shorter than "
            + env("redis.commandTimeoutMillis")
            + " ("
            + commandTimeout
            + " ms)");
    require(
        c.privacy().minContributorsAfterHold() <= k,
        "privacy.minContributorsAfterHold",
        c.privacy().minContributorsAfterHold(),
        "must not exceed " + env("privacy.minContributors") + " (" + k + ")");
    require(
        c.privacy().maxHoldSeconds() >= bucket,
        "privacy.maxHoldSeconds",
        c.privacy().maxHoldSeconds(),
        "must be at least one bucket (" + bucket + " s)");
    require(
        !c.cluster().discovery().equals("kubernetes")
            || !c.cluster().kubernetesServiceDns().isEmpty(),
        "cluster.kubernetesServiceDns",
        null,
        "must name the headless Service when " + env("cluster.discovery") + " is kubernetes");
    checkClusterTls(c.cluster());
    ServiceConfig.Auth auth = c.auth();
    boolean noToken =
        auth.apiTokens().isEmpty() && auth.proxyTokens().isEmpty() && auth.adminTokens().isEmpty();
    require(
        !c.node().runs(VerticleName.HTTP) || auth.disabled() || !noToken,
        "auth.apiTokens",
        null,
        "is empty: set caller and admin bearer tokens, or set "
            + env("auth.disabled")
            + "=true to run without authentication on loopback only");
  }

  /**
   * The event bus runs TLS with client certificates only as a whole: a certificate without its key
   * or without the CA that checks peers would leave the bus half open, so all three files or none
   * (docs/CLUSTER.md#encrypted-event-bus). Whether the files parse is {@code cluster.ClusterTls}'s.
   */
  private static void checkClusterTls(ServiceConfig.Cluster cluster) {
    Map<String, String> files =
        Map.of(
            "cluster.tlsCert", cluster.tlsCert(),
            "cluster.tlsKey", cluster.tlsKey(),
            "cluster.tlsCa", cluster.tlsCa());
    List<String> all = List.of("cluster.tlsCert", "cluster.tlsKey", "cluster.tlsCa");
    List<String> set = all.stream().filter(f -> !files.get(f).isEmpty()).toList();
    if (!set.isEmpty() && set.size() < all.size()) {
      throw fail(
          all.stream().filter(f -> !set.contains(f)).findFirst().orElseThrow(),
          null,
          "is empty while "
              + set.stream().map(ConfigLoader::env).collect(Collectors.joining(" and "))
              + (set.size() == 1 ? " is" : " are")
              + " set: the cluster's TLS needs all three of "
              + all.stream().map(ConfigLoader::env).collect(Collectors.joining(", "))
              + " (PEM files), or none for a clear-text event bus");
    }
  }

  private static void require(boolean ok, String path, Object value, String why) {
    if (!ok) {
      throw fail(path, value, why);
    }
  }

  private static String env(String path) {
    return Setting.at(path).env();
  }

  private static ConfigException fail(String path, Object value, String why) {
    return new ConfigException(
        Setting.at(path).label() + " " + why + (value == null ? "" : ", got \"" + value + "\""));
  }

  /**
   * The hash tag of a key as Redis Cluster computes it: the text between the first {@code '{'} and
   * the first {@code '}'} after it, when that text is not empty. A prefix with a tag gives every
   * key that starts with it the same hash slot.
   */
  static Optional<String> hashTag(String key) {
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    return close <= open + 1 ? Optional.empty() : Optional.of(key.substring(open + 1, close));
  }

  /** A JSON object shipped in the jar (the defaults in conf/). */
  static JsonObject resource(String name) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigException(name + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + name + ": " + e.getMessage());
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
