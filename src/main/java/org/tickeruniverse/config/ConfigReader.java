package org.tickeruniverse.config;

import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns layered JSON plus environment variables into a validated {@link ServiceConfig}: each
 * declared {@link Setting} is taken from the environment, else the JSON, else its default, and
 * parsed; then the rules that relate settings to each other are checked. Every failure is a {@link
 * ConfigException} whose message names the setting both ways (env variable and JSON path) and the
 * offending value (never a secret's).
 */
final class ConfigReader {

  private final JsonObject json;
  private final Map<String, String> env;
  private final Map<Setting<?>, Object> values = new HashMap<>();
  private final Set<Setting<?>> bound = new HashSet<>();

  ConfigReader(JsonObject json, Map<String, String> env) {
    this.json = json;
    this.env = env;
  }

  ServiceConfig read() {
    // The profile first: it chooses the defaults of the profiled settings.
    values.put(Setting.PRIVACY_PROFILE, parse(Setting.PRIVACY_PROFILE));
    Setting.ALL.forEach(s -> values.putIfAbsent(s, parse(s)));
    int k = value(Setting.PRIVACY_MIN_CONTRIBUTORS);
    if (raw(Setting.PRIVACY_MIN_AFTER_HOLD) == null && value(Setting.PRIVACY_MIN_AFTER_HOLD) > k) {
      // Only k was set (below the profile's after-hold threshold): the threshold follows it down
      // rather than making a one-setting change an error.
      values.put(Setting.PRIVACY_MIN_AFTER_HOLD, k);
    }
    checkRules();
    // Without authentication the API is open to whoever can connect, so it may only be reachable
    // from this machine: the host setting is overridden, and Main says so at start-up.
    if (value(Setting.AUTH_DISABLED)) {
      values.put(Setting.HTTP_HOST, "127.0.0.1");
    }
    return (ServiceConfig) bind(ServiceConfig.class, "");
  }

  /** Rules between settings; each names the setting to change. */
  private void checkRules() {
    int bucket = value(Setting.BUCKET_SECONDS);
    require(
        Setting.BUCKET_SECONDS,
        3600 % bucket == 0,
        "must divide an hour (3600 s) so buckets align to wall-clock boundaries");
    require(
        Setting.BUFFER_TTL,
        value(Setting.BUFFER_TTL) > bucket,
        "must be longer than the bucket (" + bucket + " s), or buckets expire before they close");
    String prefix = value(Setting.KEY_PREFIX);
    boolean redisCluster = Urls.scheme(value(Setting.REDIS_URL)).equals("redis-cluster");
    require(
        Setting.KEY_PREFIX,
        !redisCluster || hashTag(prefix).isPresent(),
        "must contain a Redis Cluster hash tag such as {"
            + prefix.replaceAll("[{}]", "")
            + "} when "
            + Setting.REDIS_URL.env()
            + " is redis-cluster://: every key the service touches (buckets, lease) must share one hash slot");
    String shorter = "must be shorter than the bucket (" + bucket + " s)";
    require(Setting.FLUSH_GRACE, value(Setting.FLUSH_GRACE) < bucket, shorter);
    // A node that dies holding the lease delays the flush by at most one lease; shorter than a
    // bucket, that delay never makes a flush skip a whole boundary.
    require(Setting.FLUSH_LEASE, value(Setting.FLUSH_LEASE) < bucket, shorter);
    boolean acks = value(Setting.BUFFER_ACK_REPLICAS) > 0;
    // Verified with a single primary and with Sentinel; on Redis Cluster the client routes a
    // batch by its keys, and WAIT has none: not shown to reach the bucket's primary.
    require(
        Setting.BUFFER_ACK_REPLICAS,
        !acks || !redisCluster,
        "is not supported with redis-cluster:// (use redis:// with replicas, or redis-sentinel://)");
    // The WAIT travels with the write as one command batch bounded by the command time-out: a
    // longer WAIT would be cut by it and answered as a store failure instead of "not replicated".
    int commandTimeout = value(Setting.REDIS_COMMAND_TIMEOUT);
    require(
        Setting.BUFFER_ACK_TIMEOUT,
        !acks || value(Setting.BUFFER_ACK_TIMEOUT) < commandTimeout,
        "must be shorter than "
            + Setting.REDIS_COMMAND_TIMEOUT.env()
            + " ("
            + commandTimeout
            + " ms)");
    int k = value(Setting.PRIVACY_MIN_CONTRIBUTORS);
    require(
        Setting.PRIVACY_MIN_AFTER_HOLD,
        value(Setting.PRIVACY_MIN_AFTER_HOLD) <= k,
        "must not exceed " + Setting.PRIVACY_MIN_CONTRIBUTORS.env() + " (" + k + ")");
    require(
        Setting.PRIVACY_MAX_HOLD,
        value(Setting.PRIVACY_MAX_HOLD) >= bucket,
        "must be at least one bucket (" + bucket + " s)");
    require(
        Setting.CLUSTER_KUBERNETES_DNS,
        !value(Setting.CLUSTER_DISCOVERY).equals("kubernetes")
            || !value(Setting.CLUSTER_KUBERNETES_DNS).isEmpty(),
        "must name the headless Service when "
            + Setting.CLUSTER_DISCOVERY.env()
            + " is kubernetes");
    checkClusterTls();
    if (value(Setting.NODE_VERTICLES).contains(VerticleName.HTTP)
        && !value(Setting.AUTH_DISABLED)
        && value(Setting.API_TOKENS).isEmpty()
        && value(Setting.PROXY_TOKENS).isEmpty()
        && value(Setting.ADMIN_TOKENS).isEmpty()) {
      throw new ConfigException(
          Setting.API_TOKENS.label()
              + " is empty: set caller and admin bearer tokens, or set "
              + Setting.AUTH_DISABLED.env()
              + "=true to run without authentication on loopback only");
    }
  }

  /**
   * The event bus runs TLS with client certificates only as a whole: a certificate without its key
   * or without the CA that checks peers would leave the bus half open, so all three files or none
   * (docs/CLUSTER.md#encrypted-event-bus). Whether the files exist and parse is checked by {@code
   * cluster.ClusterTls} at start-up.
   */
  private void checkClusterTls() {
    List<Setting<String>> files =
        List.of(Setting.CLUSTER_TLS_CERT, Setting.CLUSTER_TLS_KEY, Setting.CLUSTER_TLS_CA);
    List<Setting<String>> set = files.stream().filter(f -> !value(f).isEmpty()).toList();
    if (!set.isEmpty() && set.size() < files.size()) {
      throw fail(
          files.stream().filter(f -> !set.contains(f)).findFirst().orElseThrow(),
          null,
          "is empty while "
              + set.stream().map(Setting::env).collect(Collectors.joining(" and "))
              + (set.size() == 1 ? " is" : " are")
              + " set: the cluster's TLS needs all three of "
              + files.stream().map(Setting::env).collect(Collectors.joining(", "))
              + " (PEM files), or none for a clear-text event bus");
    }
  }

  private void require(Setting<?> s, boolean ok, String why) {
    if (!ok) {
      throw fail(s, values.get(s), why);
    }
  }

  /**
   * Builds a record of {@link ServiceConfig} from the parsed values, matching each component to the
   * setting of the same path ({@code flush.leaseSeconds} → {@code Flush.leaseSeconds}); reflection,
   * so that a setting is not copied into a constructor call. Runs once per start-up; a component
   * without a setting, or a setting without a component, fails the first test that reads one.
   */
  private Object bind(Class<?> record, String section) {
    RecordComponent[] parts = record.getRecordComponents();
    Object[] args = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String path = section + parts[i].getName();
      args[i] =
          section.isEmpty()
              ? bind(parts[i].getType(), path + ".")
              : values.get(
                  Setting.ALL.stream()
                      .filter(s -> s.path().equals(path) && bound.add(s))
                      .findFirst()
                      .orElseThrow(() -> new IllegalStateException("no setting for " + path)));
    }
    if (section.isEmpty() && bound.size() < Setting.ALL.size()) {
      throw new IllegalStateException(
          "declared settings without a ServiceConfig component: "
              + Setting.ALL.stream().filter(s -> !bound.contains(s)).toList());
    }
    try {
      return record
          .getDeclaredConstructor(
              Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new))
          .newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + record.getSimpleName(), e);
    }
  }

  private Object parse(Setting<?> s) {
    Object raw = raw(s);
    if (raw == null) {
      return s.defaultFor(PrivacyProfile.of(value(Setting.PRIVACY_PROFILE)));
    }
    try {
      return s.parse(raw);
    } catch (Setting.Invalid e) {
      throw fail(s, e.shown, e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T value(Setting<T> s) {
    return (T) values.get(s);
  }

  private Object raw(Setting<?> s) {
    String fromEnv = env.get(s.env());
    if (fromEnv != null) {
      return fromEnv;
    }
    Object node = json;
    for (String part : s.path().split("\\.")) {
      node = node instanceof JsonObject obj ? obj.getValue(part) : null;
    }
    return node;
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

  private static ConfigException fail(Setting<?> s, Object value, String why) {
    return new ConfigException(
        s.label() + " " + why + (value == null ? "" : ", got \"" + value + "\""));
  }
}
