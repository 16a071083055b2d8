package org.tickeruniverse.config;

import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns layered JSON plus environment variables into a validated {@link ServiceConfig}. Every
 * failure is a {@link ConfigException} whose message names the setting both ways (env variable
 * and JSON path) and the offending value.
 */
final class ConfigReader {

  /** Verticles a node can run; {@code node.verticles} picks among them. */
  static final List<String> KNOWN_VERTICLES = List.of("http", "buffer", "flush", "evict", "universe");

  private final JsonObject json;
  private final Map<String, String> env;

  ConfigReader(JsonObject json, Map<String, String> env) {
    this.json = json;
    this.env = env;
  }

  ServiceConfig read() {
    var auth = new ServiceConfig.Auth(
        tokens(Setting.API_TOKENS), tokens(Setting.ADMIN_TOKENS), bool(Setting.AUTH_DISABLED));
    // Without authentication the API is open to whoever can connect, so it may only be reachable
    // from this machine: the host setting is overridden, and Main says so at start-up.
    String host = auth.disabled() ? "127.0.0.1" : string(Setting.HTTP_HOST);
    var http = new ServiceConfig.Http(
        host,
        intIn(Setting.HTTP_PORT, 0, 65535),
        intIn(Setting.HTTP_INSTANCES, 1, 64),
        intIn(Setting.HTTP_BODY_LIMIT, 1024, 16 * 1024 * 1024),
        intIn(Setting.HTTP_MAX_CONCURRENT, 1, 1024),
        intIn(Setting.HTTP_BUS_TIMEOUT, 100, 600_000),
        intIn(Setting.HTTP_ADMIN_TIMEOUT, 100, 3_600_000));
    var redis = new ServiceConfig.Redis(
        redisUrl(Setting.REDIS_URL),
        intIn(Setting.REDIS_POOL, 1, 1024),
        intIn(Setting.REDIS_POOL_WAITING, 1, 1_000_000));
    var mysql = new ServiceConfig.Mysql(
        mysqlUrl(Setting.MYSQL_URL),
        optionalString(Setting.MYSQL_PASSWORD),
        intIn(Setting.MYSQL_POOL, 1, 256),
        intIn(Setting.MYSQL_WAIT_QUEUE, 1, 1_000_000));
    int bucketSeconds = intIn(Setting.BUCKET_SECONDS, 1, 3600);
    if (3600 % bucketSeconds != 0) {
      throw fail(Setting.BUCKET_SECONDS, bucketSeconds,
          "must divide an hour (3600 s) so buckets align to wall-clock boundaries");
    }
    int ttlSeconds = intIn(Setting.BUFFER_TTL, 1, 7 * 24 * 3600);
    if (ttlSeconds <= bucketSeconds) {
      throw fail(Setting.BUFFER_TTL, ttlSeconds,
          "must be longer than the bucket (" + bucketSeconds + " s), or buckets expire before they close");
    }
    var buffer = new ServiceConfig.Buffer(
        keyPrefix(Setting.KEY_PREFIX), bucketSeconds, ttlSeconds, intIn(Setting.MAX_TICKERS, 1, 100_000));
    if (Urls.scheme(redis.url()).equals("redis-cluster") && hashTag(buffer.keyPrefix()).isEmpty()) {
      throw fail(Setting.KEY_PREFIX, buffer.keyPrefix(), "must contain a Redis Cluster hash tag such as {"
          + buffer.keyPrefix().replaceAll("[{}]", "") + "} when " + Setting.REDIS_URL.env()
          + " is redis-cluster://: every key the service touches (buckets, lease) must share one hash slot");
    }
    int grace = intIn(Setting.FLUSH_GRACE, 0, 3600);
    if (grace >= bucketSeconds) {
      throw fail(Setting.FLUSH_GRACE, grace, "must be shorter than the bucket (" + bucketSeconds + " s)");
    }
    var flush = new ServiceConfig.Flush(
        grace, intIn(Setting.FLUSH_CHUNK, 1, 10_000), intIn(Setting.FLUSH_LEASE, 1, 3600));
    if (flush.leaseSeconds() >= bucketSeconds) {
      // A node that dies holding the lease delays the flush by at most one lease; shorter than a
      // bucket, that delay never makes a flush skip a whole boundary.
      throw fail(Setting.FLUSH_LEASE, flush.leaseSeconds(),
          "must be shorter than the bucket (" + bucketSeconds + " s)");
    }
    var evict = new ServiceConfig.Evict(
        intIn(Setting.EVICT_TTL_DAYS, 1, 36_500),
        intIn(Setting.EVICT_BATCH, 1, 100_000),
        intIn(Setting.EVICT_PAUSE, 0, 60_000),
        timeOfDay(Setting.EVICT_AT));
    var node = new ServiceConfig.Node(verticles(Setting.NODE_VERTICLES), intIn(Setting.SHUTDOWN_SECONDS, 0, 600));
    var cluster = new ServiceConfig.Cluster(
        bool(Setting.CLUSTER_ENABLED),
        string(Setting.CLUSTER_NAME),
        ipAddress(Setting.CLUSTER_HOST),
        intIn(Setting.CLUSTER_PORT, 1, 65535),
        list(Setting.CLUSTER_MEMBERS),
        intIn(Setting.CLUSTER_BUS_PORT, 0, 65535));
    if (node.runs("http") && !auth.disabled() && auth.apiTokens().isEmpty() && auth.adminTokens().isEmpty()) {
      throw new ConfigException(Setting.API_TOKENS.label()
          + " is empty: set caller and admin bearer tokens, or set " + Setting.AUTH_DISABLED.env()
          + "=true to run without authentication on loopback only");
    }
    return new ServiceConfig(http, auth, redis, mysql, buffer, flush, evict,
        bool(Setting.UPSERT_ENABLED), intIn(Setting.UNIVERSE_REFRESH, 1, 86_400), node, cluster);
  }

  static JsonObject toJson(ServiceConfig c) {
    JsonObject out = new JsonObject();
    put(out, Setting.HTTP_HOST, c.http().host());
    put(out, Setting.HTTP_PORT, c.http().port());
    put(out, Setting.HTTP_INSTANCES, c.http().instances());
    put(out, Setting.HTTP_BODY_LIMIT, c.http().bodyLimitBytes());
    put(out, Setting.HTTP_MAX_CONCURRENT, c.http().maxConcurrentRequestsPerConnection());
    put(out, Setting.HTTP_BUS_TIMEOUT, c.http().busTimeoutMillis());
    put(out, Setting.HTTP_ADMIN_TIMEOUT, c.http().adminTimeoutMillis());
    put(out, Setting.API_TOKENS, String.join(",", c.auth().apiTokens()));
    put(out, Setting.ADMIN_TOKENS, String.join(",", c.auth().adminTokens()));
    put(out, Setting.AUTH_DISABLED, c.auth().disabled());
    put(out, Setting.REDIS_URL, c.redis().url());
    put(out, Setting.REDIS_POOL, c.redis().maxPoolSize());
    put(out, Setting.REDIS_POOL_WAITING, c.redis().maxPoolWaiting());
    put(out, Setting.MYSQL_URL, c.mysql().url());
    put(out, Setting.MYSQL_PASSWORD, c.mysql().password());
    put(out, Setting.MYSQL_POOL, c.mysql().poolSize());
    put(out, Setting.MYSQL_WAIT_QUEUE, c.mysql().maxWaitQueue());
    put(out, Setting.KEY_PREFIX, c.buffer().keyPrefix());
    put(out, Setting.BUCKET_SECONDS, c.buffer().bucketSeconds());
    put(out, Setting.BUFFER_TTL, c.buffer().ttlSeconds());
    put(out, Setting.MAX_TICKERS, c.buffer().maxTickers());
    put(out, Setting.FLUSH_GRACE, c.flush().graceSeconds());
    put(out, Setting.FLUSH_CHUNK, c.flush().chunkSize());
    put(out, Setting.FLUSH_LEASE, c.flush().leaseSeconds());
    put(out, Setting.EVICT_TTL_DAYS, c.evict().ttlDays());
    put(out, Setting.EVICT_BATCH, c.evict().batchSize());
    put(out, Setting.EVICT_PAUSE, c.evict().pauseMillis());
    put(out, Setting.EVICT_AT, c.evict().dailyAtUtc().toString());
    put(out, Setting.UPSERT_ENABLED, c.upsertEnabled());
    put(out, Setting.UNIVERSE_REFRESH, c.universeRefreshSeconds());
    put(out, Setting.NODE_VERTICLES, String.join(",", c.node().verticles()));
    put(out, Setting.SHUTDOWN_SECONDS, c.node().shutdownSeconds());
    put(out, Setting.CLUSTER_ENABLED, c.cluster().enabled());
    put(out, Setting.CLUSTER_NAME, c.cluster().name());
    put(out, Setting.CLUSTER_HOST, c.cluster().host());
    put(out, Setting.CLUSTER_PORT, c.cluster().port());
    put(out, Setting.CLUSTER_MEMBERS, String.join(",", c.cluster().members()));
    put(out, Setting.CLUSTER_BUS_PORT, c.cluster().busPort());
    return out;
  }

  // ---- typed accessors ------------------------------------------------------------------

  private Object raw(Setting s) {
    String fromEnv = env.get(s.env());
    if (fromEnv != null) {
      return fromEnv;
    }
    Object node = json;
    for (String part : s.path().split("\\.")) {
      if (!(node instanceof JsonObject obj)) {
        return null;
      }
      node = obj.getValue(part);
    }
    return node;
  }

  private String optionalString(Setting s) {
    Object v = raw(s);
    return v == null ? "" : String.valueOf(v).strip();
  }

  private String string(Setting s) {
    String v = optionalString(s);
    if (v.isEmpty()) {
      throw fail(s, v, "must not be empty");
    }
    return v;
  }

  private int intIn(Setting s, int min, int max) {
    Object v = raw(s);
    if (v == null) {
      throw fail(s, null, "is missing");
    }
    long parsed;
    if (v instanceof Number n && n.doubleValue() == n.longValue()) {
      parsed = n.longValue();
    } else {
      try {
        parsed = Long.parseLong(String.valueOf(v).strip());
      } catch (NumberFormatException e) {
        throw fail(s, v, "must be a whole number in " + min + ".." + max);
      }
    }
    if (parsed < min || parsed > max) {
      throw fail(s, v, "must be in " + min + ".." + max);
    }
    return (int) parsed;
  }

  private boolean bool(Setting s) {
    Object v = raw(s);
    if (v instanceof Boolean b) {
      return b;
    }
    String text = v == null ? "" : String.valueOf(v).strip().toLowerCase(java.util.Locale.ROOT);
    return switch (text) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off", "" -> false;
      default -> throw fail(s, v, "must be true or false");
    };
  }

  private List<String> list(Setting s) {
    return Arrays.stream(optionalString(s).split(","))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .toList();
  }

  private Set<String> tokens(Setting s) {
    Set<String> tokens = new LinkedHashSet<>(list(s));
    for (String t : tokens) {
      // Printable ASCII without spaces: what RFC 6750 allows in a bearer token. The message
      // never quotes the token itself.
      if (t.length() < 16 || !t.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
        throw new ConfigException(s.label()
            + ": every token must be at least 16 printable ASCII characters without spaces");
      }
    }
    return Set.copyOf(tokens);
  }

  private String keyPrefix(Setting s) {
    String v = string(s);
    if (v.length() > 64 || !v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw fail(s, v, "must be 1-64 printable ASCII characters without spaces");
    }
    return v;
  }

  /**
   * The hash tag of a key as Redis Cluster computes it: the text between the first {@code '{'}
   * and the first {@code '}'} after it, when that text is not empty. A prefix with a tag gives
   * every key that starts with it the same hash slot.
   */
  static Optional<String> hashTag(String key) {
    int open = key.indexOf('{');
    if (open < 0) {
      return Optional.empty();
    }
    int close = key.indexOf('}', open + 1);
    return close <= open + 1 ? Optional.empty() : Optional.of(key.substring(open + 1, close));
  }

  /**
   * An IPv4 address: Hazelcast binds to the interface that has it (and the event bus to the
   * same), and interface matching works on addresses, not host names.
   */
  private String ipAddress(Setting s) {
    String v = string(s);
    if (!v.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)")) {
      throw fail(s, v, "must be the IPv4 address of this node's cluster interface, such as 127.0.0.1 or 10.0.0.7");
    }
    return v;
  }

  private LocalTime timeOfDay(Setting s) {
    String v = string(s);
    try {
      return LocalTime.parse(v);
    } catch (DateTimeParseException e) {
      throw fail(s, v, "must be a UTC time of day such as 03:30");
    }
  }

  private List<String> verticles(Setting s) {
    List<String> names = list(s);
    if (names.isEmpty()) {
      throw fail(s, "", "must name at least one of " + KNOWN_VERTICLES);
    }
    for (String name : names) {
      if (!KNOWN_VERTICLES.contains(name)) {
        throw fail(s, name, "names an unknown verticle; known: " + KNOWN_VERTICLES);
      }
    }
    return List.copyOf(new LinkedHashSet<>(names));
  }

  private String redisUrl(Setting s) {
    String v = string(s);
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme();
      if (scheme == null || !Urls.REDIS_SCHEMES.contains(scheme)) {
        throw fail(s, Urls.redact(v), "must start with one of " + Urls.REDIS_SCHEMES.stream().map(x -> x + "://").toList());
      }
      if (Urls.redisEndpoints(v).isEmpty()) {
        throw fail(s, Urls.redact(v), "must name at least one host:port");
      }
      if (scheme.equals("redis-sentinel") && Urls.sentinelMaster(v).isEmpty()) {
        throw fail(s, Urls.redact(v), "must name the master after the hosts: redis-sentinel://host:26379/mymaster");
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw fail(s, Urls.redact(v), "is not a valid URL");
    }
    return v;
  }

  private String mysqlUrl(Setting s) {
    String v = string(s);
    MySQLConnectOptions options;
    try {
      options = MySQLConnectOptions.fromUri(v);
    } catch (RuntimeException e) {
      throw fail(s, Urls.redact(v), "is not a valid mysql://user[:password]@host[:port]/database URL");
    }
    String db = options.getDatabase();
    if (db == null || db.isBlank() || !db.matches("[A-Za-z0-9_]{1,64}")) {
      throw fail(s, Urls.redact(v), "must name a database of letters, digits and _ (mysql://root@127.0.0.1:3306/ticker_universe)");
    }
    return v;
  }

  private static ConfigException fail(Setting s, Object value, String why) {
    return new ConfigException(s.label() + " " + why + (value == null ? "" : ", got \"" + value + "\""));
  }

  private static void put(JsonObject root, Setting s, Object value) {
    String[] parts = s.path().split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
