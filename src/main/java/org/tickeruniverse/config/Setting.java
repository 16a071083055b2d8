package org.tickeruniverse.config;

import io.vertx.mysqlclient.MySQLConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting the service reads, each declared once: its JSON path in {@code conf/}, its type
 * with its validation, its default (or one per privacy profile) and a one-line meaning. Its
 * environment variable follows from the path: {@code TU_} + the path upper-cased with {@code _}
 * before each capital and for each dot ({@code http.bodyLimitBytes} → {@code
 * TU_HTTP_BODY_LIMIT_BYTES}); {@code was(...)} keeps a name from before that rule working for one
 * release. Reading ({@link ConfigReader}), {@code conf/ticker-universe.json} and the README's table
 * follow from these declarations.
 *
 * <p>A new setting is one declaration here plus the record component of its section in {@link
 * ServiceConfig} that carries it (matched by path; start-up fails when one lacks the other). No
 * library: only smallrye-config-common is available here (not SmallRye's mapping), and vertx-config
 * needs a Vertx before this decides how Vert.x is built; either would leave the validation, the
 * profiles and the one-line errors naming both names, which are most of this.
 */
public final class Setting<T> {

  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  /** {@code universe.seedFile}: the list of common tickers shipped in the jar. */
  public static final String SEED_BUNDLED = "bundled";

  /** {@code universe.seedFile}: no seed list. */
  public static final String SEED_NONE = "none";

  // ---- http ------------------------------------------------------------------------------
  public static final Setting<String> HTTP_HOST =
      of("http.host", "0.0.0.0", Setting::nonEmpty)
          .doc("bind address (forced to 127.0.0.1 when auth is disabled)");
  public static final Setting<Integer> HTTP_PORT =
      intIn("http.port", 0, 65535, 8080).doc("HTTP port");
  public static final Setting<Integer> HTTP_INSTANCES =
      intIn("http.instances", 1, 64, 1).doc("HTTP verticle instances (event loops)");
  public static final Setting<Integer> HTTP_BODY_LIMIT =
      intIn("http.bodyLimitBytes", 1024, 16 * 1024 * 1024, 65536)
          .was("TU_BODY_LIMIT_BYTES")
          .doc("request body limit (413 beyond)");
  public static final Setting<Long> HTTP_BUS_TIMEOUT =
      longIn("http.busTimeoutMillis", 100, 600_000, 5000L)
          .was("TU_BUS_TIMEOUT_MILLIS")
          .doc("event-bus request time-out (503 beyond)");
  public static final Setting<Long> HTTP_ADMIN_TIMEOUT =
      longIn("http.adminTimeoutMillis", 100, 3_600_000, 600_000L)
          .was("TU_ADMIN_TIMEOUT_MILLIS")
          .doc("time-out of admin flush/evict requests, which may run for minutes");

  // ---- auth ------------------------------------------------------------------------------
  public static final Setting<Set<String>> API_TOKENS =
      of("auth.apiTokens", Set.<String>of(), Setting::tokens)
          .was("TU_API_TOKENS")
          .doc("comma-separated bearer tokens for callers (≥16 chars)");
  public static final Setting<Set<String>> ADMIN_TOKENS =
      of("auth.adminTokens", Set.<String>of(), Setting::tokens)
          .was("TU_ADMIN_TOKENS")
          .doc("comma-separated bearer tokens for admin operations");
  public static final Setting<Boolean> AUTH_DISABLED =
      bool("auth.disabled", false)
          .doc(
              "run without auth (loopback only); without tokens and without this the service refuses to start");
  public static final Setting<Set<String>> PROXY_TOKENS =
      of("auth.proxyTokens", Set.<String>of(), Setting::tokens)
          .was("TU_PROXY_TOKENS")
          .doc(
              "comma-separated bearer tokens of backends that upload for many users: only these may name a `contributor` (≥16 chars; also valid caller tokens)");

  // ---- redis -----------------------------------------------------------------------------
  public static final Setting<String> REDIS_URL =
      of("redis.url", "redis://127.0.0.1:6379", Setting::redisUrl)
          .doc(
              "`redis://`, `rediss://`, `redis-sentinel://h:p[,h:p]/master`, `redis-cluster://h:p[,h:p]`");
  public static final Setting<Integer> REDIS_POOL =
      intIn("redis.maxPoolSize", 1, 1024, 16)
          .was("TU_REDIS_POOL_SIZE")
          .doc("Redis connections per client");
  public static final Setting<Integer> REDIS_POOL_WAITING =
      intIn("redis.maxPoolWaiting", 1, 1_000_000, 512)
          .was("TU_REDIS_POOL_WAITING")
          .doc("requests that may wait for a Redis connection");
  public static final Setting<Integer> REDIS_COMMAND_TIMEOUT =
      intIn("redis.commandTimeoutMillis", 100, 600_000, 3000)
          .doc(
              "longest wait for one Redis command; then the command fails and its connection is replaced");

  // ---- mysql -----------------------------------------------------------------------------
  public static final Setting<String> MYSQL_URL =
      of("mysql.url", "mysql://root@127.0.0.1:3306/ticker_universe", Setting::mysqlUrl)
          .doc("MySQL 8 or MariaDB");

  /** A password: kept as given (not stripped) and never quoted in an error message. */
  public static final Setting<String> MYSQL_PASSWORD =
      of("mysql.password", "", String::valueOf).doc("password, if not in the URL");

  public static final Setting<Integer> MYSQL_POOL =
      intIn("mysql.poolSize", 1, 256, 8)
          .doc("MySQL connections (one pool shared by the verticles of a node)");
  public static final Setting<Integer> MYSQL_WAIT_QUEUE =
      intIn("mysql.maxWaitQueue", 1, 1_000_000, 256).doc("queries that may wait for a connection");
  public static final Setting<Integer> MYSQL_QUERY_TIMEOUT =
      intIn("mysql.queryTimeoutMillis", 100, 3_600_000, 30_000)
          .doc("longest wait for one SQL statement; then it fails and its connection is closed");

  // ---- buffer ----------------------------------------------------------------------------
  public static final Setting<String> KEY_PREFIX =
      of("buffer.keyPrefix", "ticker_universe", Setting::keyPrefix)
          .was("TU_KEY_PREFIX")
          .doc("Redis key prefix; `{ticker_universe}` for Redis Cluster");
  public static final Setting<Integer> BUCKET_SECONDS =
      intIn("buffer.bucketSeconds", 1, 3600, 300)
          .was("TU_BUCKET_SECONDS")
          .doc("bucket width; must divide 3600");
  public static final Setting<Integer> BUFFER_TTL =
      intIn("buffer.ttlSeconds", 1, 7 * 24 * 3600, 7200)
          .doc("TTL of a bucket key, refreshed on every write and while held (recovery window)");
  public static final Setting<Integer> MAX_TICKERS =
      intIn("buffer.maxTickers", 1, 100_000, 1000).was("TU_MAX_TICKERS").doc("tickers per request");
  public static final Setting<Integer> BUFFER_MAX_QUEUED =
      intIn("buffer.maxQueued", 1, 1_000_000, 10_000)
          .doc("buffer requests waiting for Redis on one node; beyond, 503 with Retry-After");
  public static final Setting<Integer> BUFFER_RATE_PER_TOKEN =
      intIn("buffer.ratePerToken", 0, 1_000_000, 20)
          .doc(
              "buffer requests per second per caller token on one node; beyond, 429 with Retry-After; 0: no limit");
  public static final Setting<Integer> BUFFER_RATE_BURST =
      intIn("buffer.rateBurst", 1, 1_000_000, 40)
          .doc("buffer requests one token may send at once before the per-second rate applies");
  public static final Setting<Integer> BUFFER_ACK_REPLICAS =
      intIn("buffer.ackReplicas", 0, 16, 0)
          .doc(
              "replicas that must confirm a buffer write (Redis WAIT) before it is answered 202; beyond the time-out, 503");
  public static final Setting<Integer> BUFFER_ACK_TIMEOUT =
      intIn("buffer.ackTimeoutMillis", 1, 60_000, 1000)
          .doc("longest wait for those replicas (below the Redis command time-out)");

  // ---- flush -----------------------------------------------------------------------------
  public static final Setting<Integer> FLUSH_GRACE =
      intIn("flush.graceSeconds", 0, 3600, 5).doc("a bucket is closed this long after its end");
  public static final Setting<Integer> FLUSH_CHUNK =
      intIn("flush.chunkSize", 1, 10_000, 1000)
          .doc("rows per multi-row upsert / members per SSCAN page");
  public static final Setting<Integer> FLUSH_LEASE =
      intIn("flush.leaseSeconds", 1, 3600, 10)
          .doc(
              "flush lease (and eviction lock time-out), renewed every third of it while the job runs: a crashed holder delays the job by at most this");

  // ---- privacy (the publication pool, docs/DESIGN.md#anonymity-the-publication-pool) ------
  /** Read before every other setting: it chooses the defaults of the profiled ones. */
  public static final Setting<String> PRIVACY_PROFILE =
      oneOf("privacy.profile", PrivacyProfile.STANDARD.id(), PrivacyProfile.ids())
          .doc(
              "`standard`, `strict` or `off` (the original module's behaviour): the defaults of the settings marked by profile (docs/PRIVACY.md#profiles)");

  public static final Setting<String> PRIVACY_SECRET =
      of("privacy.secret", "", Setting::optionalSecret)
          .doc(
              "key of the hash that counts contributors (≥16 chars, the same on every node); empty: one created once and kept in Redis");
  public static final Setting<Integer> PRIVACY_MIN_CONTRIBUTORS =
      intIn("privacy.minContributors", 1, 10_000, 3)
          .profiles(1, 3, 5)
          .doc("k: distinct contributors a pool of closed buckets needs before it is published");
  public static final Setting<Integer> PRIVACY_MIN_AFTER_HOLD =
      intIn("privacy.minContributorsAfterHold", 1, 10_000, 2)
          .profiles(1, 2, 3)
          .doc(
              "contributors that suffice once the pool's oldest bucket was held the maximum (≤ k; when only k is set, at most k)");
  public static final Setting<Integer> PRIVACY_MAX_HOLD =
      intIn("privacy.maxHoldSeconds", 1, 30 * 24 * 3600, 6 * 3600)
          .profiles(86_400, 6 * 3600, 86_400)
          .doc("how long a pool is held for k before the after-hold threshold applies");
  public static final Setting<String> PRIVACY_STAMP_PRECISION =
      oneOf("privacy.stampPrecision", "day", "day", "exact")
          .profiles("exact", "day", "day")
          .doc(
              "`day`: `last_referenced_at` is written as 00:00 UTC of its day, so one day's references look alike; `exact`: the bucket stamp, as the original");

  // ---- evict -----------------------------------------------------------------------------
  public static final Setting<Integer> EVICT_TTL_DAYS =
      intIn("evict.ttlDays", 1, 36_500, 60).doc("rows not referenced for this long are evicted");
  public static final Setting<Integer> EVICT_BATCH =
      intIn("evict.batchSize", 1, 100_000, 10_000)
          .doc("rows per DELETE batch (see docs/PERFORMANCE.md for the measured choice)");
  public static final Setting<Integer> EVICT_PAUSE =
      intIn("evict.pauseMillis", 0, 60_000, 20).doc("pause between DELETE batches");
  public static final Setting<LocalTime> EVICT_AT =
      of("evict.dailyAtUtc", LocalTime.of(3, 30), Setting::timeOfDay)
          .was("TU_EVICT_AT_UTC")
          .doc("daily eviction time (UTC)");
  public static final Setting<Integer> EVICT_SPREAD_DAYS =
      intIn("evict.spreadDays", 0, 365, 14)
          .profiles(0, 14, 14)
          .doc(
              "a stale row is evicted on one of this many days after the TTL, chosen per ticker by a secret kept in MySQL; 0: all at the TTL");

  // ---- upsert, universe, log, node -------------------------------------------------------
  public static final Setting<Boolean> UPSERT_ENABLED =
      bool("upsert.enabled", false)
          .profiles(true, false, false)
          .doc(
              "allow the synchronous upsert (it leaks timing and bypasses the pool: 403 `upsert_disabled` when off)");
  public static final Setting<Integer> UNIVERSE_REFRESH =
      intIn("universe.refreshSeconds", 1, 86_400, 60)
          .doc("periodic safety reload of the universe snapshot");
  public static final Setting<String> UNIVERSE_SEED_FILE =
      of("universe.seedFile", SEED_BUNDLED, raw -> String.valueOf(raw).strip())
          .profiles(SEED_NONE, SEED_BUNDLED, SEED_BUNDLED)
          .doc(
              "tickers kept in the universe at all times: `bundled` (the list of common tickers in the jar), a file (one per line, `#` comments), or `none`");
  public static final Setting<Integer> UNIVERSE_MAX_TICKERS =
      intIn("universe.maxTickers", 1, 50_000_000, 2_000_000)
          .doc(
              "the universe's bound: a flush publishes no new ticker beyond it (they stay buffered; docs/OPERATIONS.md#universe-at-capacity)");
  public static final Setting<Long> UNIVERSE_BUILD_TIMEOUT =
      longIn("universe.buildTimeoutMillis", 1, 3_600_000, 120_000L)
          .doc(
              "longest build of the universe snapshot; then it fails and is retried with back-off");
  public static final Setting<String> LOG_FORMAT =
      oneOf("log.format", "text", "text", "json")
          .doc("`text` or `json` (one JSON object per line)");
  public static final Setting<List<VerticleName>> NODE_VERTICLES =
      of("node.verticles", List.of(VerticleName.values()), Setting::verticles)
          .was("TU_VERTICLES")
          .doc("what this node runs");
  public static final Setting<Integer> OPS_PORT =
      intIn("node.opsPort", 0, 65535, 0)
          .was("TU_OPS_PORT")
          .doc(
              "internal port without a token: /metrics on every node, and /health on a node without `http`; 0: none");
  public static final Setting<Integer> SHUTDOWN_SECONDS =
      intIn("node.shutdownSeconds", 0, 600, 10)
          .was("TU_SHUTDOWN_SECONDS")
          .doc("how long in-flight HTTP requests may take to drain on SIGTERM");

  // ---- cluster ---------------------------------------------------------------------------
  public static final Setting<Boolean> CLUSTER_ENABLED =
      bool("cluster.enabled", false)
          .was("TU_CLUSTER")
          .doc("clustered event bus (Hazelcast); also `-cluster`");
  public static final Setting<String> CLUSTER_NAME =
      of("cluster.name", "ticker-universe", Setting::nonEmpty).doc("Hazelcast cluster name");
  public static final Setting<String> CLUSTER_HOST =
      of("cluster.host", "127.0.0.1", Setting::ipv4)
          .doc("interface this node binds for the cluster");
  public static final Setting<Integer> CLUSTER_PORT =
      intIn("cluster.port", 1, 65535, 5701).doc("first Hazelcast port (counts up when taken)");
  public static final Setting<String> CLUSTER_DISCOVERY =
      oneOf("cluster.discovery", "tcp", "tcp", "kubernetes")
          .doc(
              "`tcp`: join `cluster.members`; `kubernetes`: find members through a headless Service's DNS");
  public static final Setting<List<String>> CLUSTER_MEMBERS =
      of("cluster.members", List.of("127.0.0.1"), Setting::items)
          .doc("TCP-IP join members, `ip` or `ip:port` (never multicast)");
  public static final Setting<String> CLUSTER_KUBERNETES_DNS =
      of("cluster.kubernetesServiceDns", "", raw -> String.valueOf(raw).strip())
          .doc(
              "headless Service DNS name for `kubernetes` discovery, e.g. `tu-hz.default.svc.cluster.local`");
  public static final Setting<Integer> CLUSTER_BUS_PORT =
      intIn("cluster.busPort", 0, 65535, 0).doc("event-bus port between nodes; 0 picks a free one");
  public static final Setting<String> CLUSTER_TLS_CERT =
      of("cluster.tlsCert", "", raw -> String.valueOf(raw).strip())
          .doc(
              "PEM certificate of this node for the event bus, signed by `cluster.tlsCa`; set all three TLS files or none");
  public static final Setting<String> CLUSTER_TLS_KEY =
      of("cluster.tlsKey", "", raw -> String.valueOf(raw).strip())
          .doc("PEM private key of that certificate");
  public static final Setting<String> CLUSTER_TLS_CA =
      of("cluster.tlsCa", "", raw -> String.valueOf(raw).strip())
          .doc(
              "PEM CA certificate(s) a peer's certificate must chain to; empty (all three): clear-text event bus");

  /** Every setting, in declaration order (the order of the README table and of conf/). */
  public static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

  private final String path;
  private final String env;
  private final Function<Object, T> parse;
  private T defaultValue;
  private List<T> byProfile = List.of(); // by PrivacyProfile ordinal
  private String meaning;
  private String was;

  private Setting(String path, T defaultValue, Function<Object, T> parse) {
    this.path = path;
    this.env =
        "TU_"
            + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replace('.', '_')
                .toUpperCase(Locale.ROOT);
    this.defaultValue = defaultValue;
    this.parse = parse;
    DECLARED.add(this);
  }

  // ---- declaring -------------------------------------------------------------------------

  private static <T> Setting<T> of(String path, T defaultValue, Function<Object, T> parse) {
    return new Setting<>(path, defaultValue, parse);
  }

  private Setting<T> doc(String meaning) {
    this.meaning = meaning;
    return this;
  }

  /** The environment name before the naming rule: still read, with a warning (one release). */
  private Setting<T> was(String oldEnv) {
    this.was = oldEnv;
    return this;
  }

  /**
   * The defaults under the profiles off, standard, strict; {@link #defaultValue()} is standard's.
   */
  private Setting<T> profiles(T off, T standard, T strict) {
    byProfile = List.of(off, standard, strict);
    defaultValue = standard;
    return this;
  }

  private static Setting<Integer> intIn(String path, int min, int max, int defaultValue) {
    return of(path, defaultValue, raw -> (int) whole(raw, min, max));
  }

  private static Setting<Long> longIn(String path, long min, long max, long defaultValue) {
    return of(path, defaultValue, raw -> whole(raw, min, max));
  }

  private static Setting<String> oneOf(String path, String defaultValue, String... values) {
    List<String> allowed = List.of(values);
    return of(
        path,
        defaultValue,
        raw -> {
          String v = String.valueOf(raw).strip().toLowerCase(Locale.ROOT);
          return check(allowed.contains(v), v, "must be one of " + allowed, raw);
        });
  }

  private static Setting<Boolean> bool(String path, boolean defaultValue) {
    return of(
        path,
        defaultValue,
        raw ->
            raw instanceof Boolean b
                ? b
                : switch (String.valueOf(raw).strip().toLowerCase(Locale.ROOT)) {
                  case "true", "1", "yes", "on" -> true;
                  case "false", "0", "no", "off", "" -> false;
                  default -> throw new Invalid("must be true or false", raw);
                });
  }

  // ---- reading ---------------------------------------------------------------------------

  public String path() {
    return path;
  }

  public String env() {
    return env;
  }

  /** The environment name this setting had before the naming rule, or null. */
  String oldEnv() {
    return was;
  }

  /** Parses a raw value (never null: a missing value takes the default). */
  T parse(Object raw) {
    return parse.apply(raw);
  }

  /** The default under the default profile ({@code standard}). */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default under {@code profile}: its profile's value, or the one default. */
  public T defaultFor(PrivacyProfile profile) {
    return profiled() ? byProfile.get(profile.ordinal()) : defaultValue;
  }

  /** Whether a privacy profile chooses this setting's default. */
  public boolean profiled() {
    return !byProfile.isEmpty();
  }

  public String meaning() {
    return meaning;
  }

  /** The section of {@link ServiceConfig} (the first path element) and the component in it. */
  String section() {
    return path.substring(0, path.indexOf('.'));
  }

  String component() {
    return path.substring(path.indexOf('.') + 1);
  }

  /** How an error message names this setting: both ways a user may have set it. */
  public String label() {
    return env + " (" + path + ")";
  }

  /** The value as it appears in JSON (conf/, -conf files): lists comma-separated; secrets too. */
  public Object toJson(Object value) {
    if (value instanceof Collection<?> c) {
      return c.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return value instanceof LocalTime ? value.toString() : value;
  }

  /**
   * The default as the README shows it: empty values as "(none)"; a profiled setting as its value
   * under each profile ("by profile: off 1, standard 3, strict 5").
   */
  public String documentedDefault() {
    return !profiled()
        ? shown(defaultValue)
        : Arrays.stream(PrivacyProfile.values())
            .map(p -> p.id() + " " + shown(defaultFor(p)))
            .collect(Collectors.joining(", ", "by profile: ", ""));
  }

  private String shown(T value) {
    String text = String.valueOf(toJson(value));
    return text.isEmpty() ? "(none)" : text;
  }

  @Override
  public String toString() {
    return label();
  }

  // ---- the value types: each refuses a raw value with an Invalid naming why ----------------

  /** A raw value a setting refuses; {@code shown} is the value quoted in the message, or null. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object shown;

    Invalid(String why, Object shown) {
      super(why, null, false, false);
      this.shown = shown;
    }
  }

  private static <V> V check(boolean ok, V value, String why, Object shown) {
    if (!ok) {
      throw new Invalid(why, shown);
    }
    return value;
  }

  private static String nonEmpty(Object raw) {
    String v = String.valueOf(raw).strip();
    return check(!v.isEmpty(), v, "must not be empty", v);
  }

  private static long whole(Object raw, long min, long max) {
    long parsed;
    if (raw instanceof Number n && n.doubleValue() == n.longValue()) {
      parsed = n.longValue();
    } else {
      try {
        parsed = Long.parseLong(String.valueOf(raw).strip());
      } catch (NumberFormatException e) {
        throw new Invalid("must be a whole number in " + min + ".." + max, raw);
      }
    }
    return check(parsed >= min && parsed <= max, parsed, "must be in " + min + ".." + max, raw);
  }

  /** Comma-separated in the environment and in JSON (so a file may use the same text). */
  private static List<String> items(Object raw) {
    return Arrays.stream(String.valueOf(raw).split(","))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .toList();
  }

  private static boolean printableNoSpace(String v) {
    return v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
  }

  /** What RFC 6750 allows in a bearer token; the message never quotes a token. */
  private static Set<String> tokens(Object raw) {
    Set<String> tokens = new LinkedHashSet<>(items(raw));
    boolean ok = tokens.stream().allMatch(t -> t.length() >= 16 && printableNoSpace(t));
    return check(
        ok,
        Set.copyOf(tokens),
        "every token must be at least 16 printable ASCII characters without spaces",
        null);
  }

  /** Empty, or a key of at least 16 printable ASCII characters; never quoted. */
  private static String optionalSecret(Object raw) {
    String v = String.valueOf(raw).strip();
    boolean ok = v.isEmpty() || (v.length() >= 16 && printableNoSpace(v));
    return check(
        ok, v, "must be empty or at least 16 printable ASCII characters without spaces", null);
  }

  private static String keyPrefix(Object raw) {
    String v = nonEmpty(raw);
    boolean ok = v.length() <= 64 && printableNoSpace(v);
    return check(ok, v, "must be 1-64 printable ASCII characters without spaces", v);
  }

  /**
   * An IPv4 address: Hazelcast binds to the interface that has it (and the event bus to the same),
   * and interface matching works on addresses, not host names.
   */
  private static String ipv4(Object raw) {
    String v = nonEmpty(raw);
    boolean ok = v.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    return check(
        ok,
        v,
        "must be the IPv4 address of this node's cluster interface, such as 127.0.0.1 or 10.0.0.7",
        v);
  }

  private static LocalTime timeOfDay(Object raw) {
    String v = nonEmpty(raw);
    try {
      return LocalTime.parse(v);
    } catch (DateTimeParseException e) {
      throw new Invalid("must be a UTC time of day such as 03:30", v);
    }
  }

  private static List<VerticleName> verticles(Object raw) {
    String known = Arrays.stream(VerticleName.values()).map(VerticleName::id).toList().toString();
    List<String> names =
        check(!items(raw).isEmpty(), items(raw), "must name at least one of " + known, "");
    LinkedHashSet<VerticleName> out = new LinkedHashSet<>();
    for (String name : names) {
      out.add(
          VerticleName.byId(name)
              .orElseThrow(() -> new Invalid("names an unknown verticle; known: " + known, name)));
    }
    return List.copyOf(out);
  }

  private static String redisUrl(Object raw) {
    String v = nonEmpty(raw);
    String shown = Urls.redact(v);
    String scheme;
    List<String> endpoints;
    try {
      scheme = new URI(v).getScheme();
      check(
          scheme != null && Urls.REDIS_SCHEMES.contains(scheme),
          v,
          "must start with one of "
              + Urls.REDIS_SCHEMES.stream().sorted().map(x -> x + "://").toList(),
          shown);
      endpoints = Urls.redisEndpoints(v);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new Invalid("is not a valid URL", shown);
    }
    check(!endpoints.isEmpty(), v, "must name at least one host:port", shown);
    return check(
        !scheme.equals("redis-sentinel") || Urls.sentinelMaster(v).isPresent(),
        v,
        "must name the master after the hosts: redis-sentinel://host:26379/mymaster",
        shown);
  }

  private static String mysqlUrl(Object raw) {
    String v = nonEmpty(raw);
    MySQLConnectOptions options;
    try {
      options = MySQLConnectOptions.fromUri(v);
    } catch (RuntimeException e) {
      throw new Invalid(
          "is not a valid mysql://user[:password]@host[:port]/database URL", Urls.redact(v));
    }
    String db = options.getDatabase();
    return check(
        db != null && db.matches("[A-Za-z0-9_]{1,64}"),
        v,
        "must name a database of letters, digits and _ (mysql://root@127.0.0.1:3306/ticker_universe)",
        Urls.redact(v));
  }
}
