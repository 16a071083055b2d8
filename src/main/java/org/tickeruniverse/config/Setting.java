package org.tickeruniverse.config;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting the service reads, each declared once: its JSON path in {@code conf/}, the
 * environment variable that overrides it, its type with its validation, its default and a one-line
 * meaning. Reading ({@link ConfigReader}), the JSON form handed to verticles ({@link
 * ServiceConfig#toJson()}), {@code conf/ticker-universe.json} and the README's table all follow
 * from these declarations (the last two are checked against them by a test).
 *
 * <p>A new setting is one line here plus the record component of its section in {@link
 * ServiceConfig} that carries it (the binder matches them by path and fails at start-up when one
 * lacks the other); cross-setting rules live in {@link ConfigReader}.
 */
public final class Setting<T> {

  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  /** {@code universe.seedFile}: the list of common tickers shipped in the jar. */
  public static final String SEED_BUNDLED = "bundled";

  /** {@code universe.seedFile}: no seed list. */
  public static final String SEED_NONE = "none";

  // ---- http ------------------------------------------------------------------------------
  public static final Setting<String> HTTP_HOST =
      declare(
          "http.host",
          "TU_HTTP_HOST",
          SettingType.string(),
          "0.0.0.0",
          "bind address (forced to 127.0.0.1 when auth is disabled)");
  public static final Setting<Integer> HTTP_PORT =
      declare("http.port", "TU_HTTP_PORT", SettingType.intIn(0, 65535), 8080, "HTTP port");
  public static final Setting<Integer> HTTP_INSTANCES =
      declare(
          "http.instances",
          "TU_HTTP_INSTANCES",
          SettingType.intIn(1, 64),
          1,
          "HTTP verticle instances (event loops)");
  public static final Setting<Integer> HTTP_BODY_LIMIT =
      declare(
          "http.bodyLimitBytes",
          "TU_BODY_LIMIT_BYTES",
          SettingType.intIn(1024, 16 * 1024 * 1024),
          65536,
          "request body limit (413 beyond)");
  public static final Setting<Long> HTTP_BUS_TIMEOUT =
      declare(
          "http.busTimeoutMillis",
          "TU_BUS_TIMEOUT_MILLIS",
          SettingType.longIn(100, 600_000),
          5000L,
          "event-bus request time-out (503 beyond)");
  public static final Setting<Long> HTTP_ADMIN_TIMEOUT =
      declare(
          "http.adminTimeoutMillis",
          "TU_ADMIN_TIMEOUT_MILLIS",
          SettingType.longIn(100, 3_600_000),
          600_000L,
          "time-out of admin flush/evict requests, which may run for minutes");

  // ---- auth ------------------------------------------------------------------------------
  public static final Setting<Set<String>> API_TOKENS =
      declare(
          "auth.apiTokens",
          "TU_API_TOKENS",
          SettingType.tokens(),
          Set.of(),
          "comma-separated bearer tokens for callers (≥16 chars)");
  public static final Setting<Set<String>> ADMIN_TOKENS =
      declare(
          "auth.adminTokens",
          "TU_ADMIN_TOKENS",
          SettingType.tokens(),
          Set.of(),
          "comma-separated bearer tokens for admin operations");
  public static final Setting<Boolean> AUTH_DISABLED =
      declare(
          "auth.disabled",
          "TU_AUTH_DISABLED",
          SettingType.bool(),
          false,
          "run without auth (loopback only); without tokens and without this the service refuses to start");
  public static final Setting<Set<String>> PROXY_TOKENS =
      declare(
          "auth.proxyTokens",
          "TU_PROXY_TOKENS",
          SettingType.tokens(),
          Set.of(),
          "comma-separated bearer tokens of backends that upload for many users: only these may name a `contributor` (≥16 chars; also valid caller tokens)");

  // ---- redis -----------------------------------------------------------------------------
  public static final Setting<String> REDIS_URL =
      declare(
          "redis.url",
          "TU_REDIS_URL",
          SettingType.redisUrl(),
          "redis://127.0.0.1:6379",
          "`redis://`, `rediss://`, `redis-sentinel://h:p[,h:p]/master`, `redis-cluster://h:p[,h:p]`");
  public static final Setting<Integer> REDIS_POOL =
      declare(
          "redis.maxPoolSize",
          "TU_REDIS_POOL_SIZE",
          SettingType.intIn(1, 1024),
          16,
          "Redis connections per client");
  public static final Setting<Integer> REDIS_POOL_WAITING =
      declare(
          "redis.maxPoolWaiting",
          "TU_REDIS_POOL_WAITING",
          SettingType.intIn(1, 1_000_000),
          512,
          "requests that may wait for a Redis connection");
  public static final Setting<Integer> REDIS_COMMAND_TIMEOUT =
      declare(
          "redis.commandTimeoutMillis",
          "TU_REDIS_COMMAND_TIMEOUT_MILLIS",
          SettingType.intIn(100, 600_000),
          3000,
          "longest wait for one Redis command; then the command fails and its connection is replaced");

  // ---- mysql -----------------------------------------------------------------------------
  public static final Setting<String> MYSQL_URL =
      declare(
          "mysql.url",
          "TU_MYSQL_URL",
          SettingType.mysqlUrl(),
          "mysql://root@127.0.0.1:3306/ticker_universe",
          "MySQL 8 or MariaDB");
  public static final Setting<String> MYSQL_PASSWORD =
      declare(
          "mysql.password",
          "TU_MYSQL_PASSWORD",
          SettingType.secret(),
          "",
          "password, if not in the URL");
  public static final Setting<Integer> MYSQL_POOL =
      declare(
          "mysql.poolSize",
          "TU_MYSQL_POOL_SIZE",
          SettingType.intIn(1, 256),
          8,
          "MySQL connections (one pool shared by the verticles of a node)");
  public static final Setting<Integer> MYSQL_WAIT_QUEUE =
      declare(
          "mysql.maxWaitQueue",
          "TU_MYSQL_MAX_WAIT_QUEUE",
          SettingType.intIn(1, 1_000_000),
          256,
          "queries that may wait for a connection");
  public static final Setting<Integer> MYSQL_QUERY_TIMEOUT =
      declare(
          "mysql.queryTimeoutMillis",
          "TU_MYSQL_QUERY_TIMEOUT_MILLIS",
          SettingType.intIn(100, 3_600_000),
          30_000,
          "longest wait for one SQL statement; then it fails and its connection is closed");

  // ---- buffer ----------------------------------------------------------------------------
  public static final Setting<String> KEY_PREFIX =
      declare(
          "buffer.keyPrefix",
          "TU_KEY_PREFIX",
          SettingType.keyPrefix(),
          "ticker_universe",
          "Redis key prefix; `{ticker_universe}` for Redis Cluster");
  public static final Setting<Integer> BUCKET_SECONDS =
      declare(
          "buffer.bucketSeconds",
          "TU_BUCKET_SECONDS",
          SettingType.intIn(1, 3600),
          300,
          "bucket width; must divide 3600");
  public static final Setting<Integer> BUFFER_TTL =
      declare(
          "buffer.ttlSeconds",
          "TU_BUFFER_TTL_SECONDS",
          SettingType.intIn(1, 7 * 24 * 3600),
          7200,
          "TTL of a bucket key, refreshed on every write and while held (recovery window)");
  public static final Setting<Integer> MAX_TICKERS =
      declare(
          "buffer.maxTickers",
          "TU_MAX_TICKERS",
          SettingType.intIn(1, 100_000),
          1000,
          "tickers per request");
  public static final Setting<Integer> BUFFER_MAX_QUEUED =
      declare(
          "buffer.maxQueued",
          "TU_BUFFER_MAX_QUEUED",
          SettingType.intIn(1, 1_000_000),
          10_000,
          "buffer requests waiting for Redis on one node; beyond, 503 with Retry-After");
  public static final Setting<Integer> BUFFER_RATE_PER_TOKEN =
      declare(
          "buffer.ratePerToken",
          "TU_BUFFER_RATE_PER_TOKEN",
          SettingType.intIn(0, 1_000_000),
          20,
          "buffer requests per second per caller token on one node; beyond, 429 with Retry-After; 0: no limit");
  public static final Setting<Integer> BUFFER_RATE_BURST =
      declare(
          "buffer.rateBurst",
          "TU_BUFFER_RATE_BURST",
          SettingType.intIn(1, 1_000_000),
          40,
          "buffer requests one token may send at once before the per-second rate applies");
  public static final Setting<Integer> BUFFER_ACK_REPLICAS =
      declare(
          "buffer.ackReplicas",
          "TU_BUFFER_ACK_REPLICAS",
          SettingType.intIn(0, 16),
          0,
          "replicas that must confirm a buffer write (Redis WAIT) before it is answered 202; beyond the time-out, 503");
  public static final Setting<Integer> BUFFER_ACK_TIMEOUT =
      declare(
          "buffer.ackTimeoutMillis",
          "TU_BUFFER_ACK_TIMEOUT_MILLIS",
          SettingType.intIn(1, 60_000),
          1000,
          "longest wait for those replicas (below the Redis command time-out)");

  // ---- flush -----------------------------------------------------------------------------
  public static final Setting<Integer> FLUSH_GRACE =
      declare(
          "flush.graceSeconds",
          "TU_FLUSH_GRACE_SECONDS",
          SettingType.intIn(0, 3600),
          5,
          "a bucket is closed this long after its end");
  public static final Setting<Integer> FLUSH_CHUNK =
      declare(
          "flush.chunkSize",
          "TU_FLUSH_CHUNK_SIZE",
          SettingType.intIn(1, 10_000),
          1000,
          "rows per multi-row upsert / members per SSCAN page");
  public static final Setting<Integer> FLUSH_LEASE =
      declare(
          "flush.leaseSeconds",
          "TU_FLUSH_LEASE_SECONDS",
          SettingType.intIn(1, 3600),
          10,
          "flush lease (and eviction lock time-out), renewed every third of it while the job runs: a crashed holder delays the job by at most this");

  // ---- privacy (the publication pool, docs/DESIGN.md#anonymity-the-publication-pool) ------
  /** Read before every other setting: it chooses the defaults of the profiled ones. */
  public static final Setting<String> PRIVACY_PROFILE =
      declare(
          "privacy.profile",
          "TU_PRIVACY_PROFILE",
          SettingType.oneOf(PrivacyProfile.ids()),
          PrivacyProfile.STANDARD.id(),
          "`standard`, `strict` or `off` (the original module's behaviour): the defaults of the settings marked by profile (docs/PRIVACY.md#profiles)");

  public static final Setting<String> PRIVACY_SECRET =
      declare(
          "privacy.secret",
          "TU_PRIVACY_SECRET",
          SettingType.optionalSecret(16),
          "",
          "key of the hash that counts contributors (≥16 chars, the same on every node); empty: one created once and kept in Redis");
  public static final Setting<Integer> PRIVACY_MIN_CONTRIBUTORS =
      profiled(
          "privacy.minContributors",
          "TU_PRIVACY_MIN_CONTRIBUTORS",
          SettingType.intIn(1, 10_000),
          1,
          3,
          5,
          "k: distinct contributors a pool of closed buckets needs before it is published");
  public static final Setting<Integer> PRIVACY_MIN_AFTER_HOLD =
      profiled(
          "privacy.minContributorsAfterHold",
          "TU_PRIVACY_MIN_CONTRIBUTORS_AFTER_HOLD",
          SettingType.intIn(1, 10_000),
          1,
          2,
          3,
          "contributors that suffice once the pool's oldest bucket was held the maximum (≤ k; when only k is set, at most k)");
  public static final Setting<Integer> PRIVACY_MAX_HOLD =
      profiled(
          "privacy.maxHoldSeconds",
          "TU_PRIVACY_MAX_HOLD_SECONDS",
          SettingType.intIn(1, 30 * 24 * 3600),
          86_400,
          6 * 3600,
          86_400,
          "how long a pool is held for k before the after-hold threshold applies");
  public static final Setting<String> PRIVACY_STAMP_PRECISION =
      profiled(
          "privacy.stampPrecision",
          "TU_PRIVACY_STAMP_PRECISION",
          SettingType.oneOf("day", "exact"),
          "exact",
          "day",
          "day",
          "`day`: `last_referenced_at` is written as 00:00 UTC of its day, so one day's references look alike; `exact`: the bucket stamp, as the original");

  // ---- evict -----------------------------------------------------------------------------
  public static final Setting<Integer> EVICT_TTL_DAYS =
      declare(
          "evict.ttlDays",
          "TU_EVICT_TTL_DAYS",
          SettingType.intIn(1, 36_500),
          60,
          "rows not referenced for this long are evicted");
  public static final Setting<Integer> EVICT_BATCH =
      declare(
          "evict.batchSize",
          "TU_EVICT_BATCH_SIZE",
          SettingType.intIn(1, 100_000),
          10_000,
          "rows per DELETE batch (see docs/PERFORMANCE.md for the measured choice)");
  public static final Setting<Integer> EVICT_PAUSE =
      declare(
          "evict.pauseMillis",
          "TU_EVICT_PAUSE_MILLIS",
          SettingType.intIn(0, 60_000),
          20,
          "pause between DELETE batches");
  public static final Setting<LocalTime> EVICT_AT =
      declare(
          "evict.dailyAtUtc",
          "TU_EVICT_AT_UTC",
          SettingType.timeOfDay(),
          LocalTime.of(3, 30),
          "daily eviction time (UTC)");
  public static final Setting<Integer> EVICT_SPREAD_DAYS =
      profiled(
          "evict.spreadDays",
          "TU_EVICT_SPREAD_DAYS",
          SettingType.intIn(0, 365),
          0,
          14,
          14,
          "a stale row is evicted on one of this many days after the TTL, chosen per ticker by a secret kept in MySQL; 0: all at the TTL");

  // ---- upsert, universe, log, node -------------------------------------------------------
  public static final Setting<Boolean> UPSERT_ENABLED =
      profiled(
          "upsert.enabled",
          "TU_UPSERT_ENABLED",
          SettingType.bool(),
          true,
          false,
          false,
          "allow the synchronous upsert (it leaks timing and bypasses the pool: 403 `upsert_disabled` when off)");
  public static final Setting<Integer> UNIVERSE_REFRESH =
      declare(
          "universe.refreshSeconds",
          "TU_UNIVERSE_REFRESH_SECONDS",
          SettingType.intIn(1, 86_400),
          60,
          "periodic safety reload of the universe snapshot");
  public static final Setting<String> UNIVERSE_SEED_FILE =
      profiled(
          "universe.seedFile",
          "TU_UNIVERSE_SEED_FILE",
          SettingType.optionalString(),
          SEED_NONE,
          SEED_BUNDLED,
          SEED_BUNDLED,
          "tickers kept in the universe at all times: `bundled` (the list of common tickers in the jar), a file (one per line, `#` comments), or `none`");
  public static final Setting<Integer> UNIVERSE_MAX_TICKERS =
      declare(
          "universe.maxTickers",
          "TU_UNIVERSE_MAX_TICKERS",
          SettingType.intIn(1, 50_000_000),
          2_000_000,
          "the universe's bound: a flush publishes no new ticker beyond it (they stay buffered; docs/OPERATIONS.md#universe-at-capacity)");
  public static final Setting<Long> UNIVERSE_BUILD_TIMEOUT =
      declare(
          "universe.buildTimeoutMillis",
          "TU_UNIVERSE_BUILD_TIMEOUT_MILLIS",
          SettingType.longIn(1, 3_600_000),
          120_000L,
          "longest build of the universe snapshot; then it fails and is retried with back-off");
  public static final Setting<String> LOG_FORMAT =
      declare(
          "log.format",
          "TU_LOG_FORMAT",
          SettingType.oneOf("text", "json"),
          "text",
          "`text` or `json` (one JSON object per line)");
  public static final Setting<List<VerticleName>> NODE_VERTICLES =
      declare(
          "node.verticles",
          "TU_VERTICLES",
          SettingType.verticles(),
          List.of(VerticleName.values()),
          "what this node runs");
  public static final Setting<Integer> OPS_PORT =
      declare(
          "node.opsPort",
          "TU_OPS_PORT",
          SettingType.intIn(0, 65535),
          0,
          "internal port without a token: /metrics on every node, and /health on a node without `http`; 0: none");
  public static final Setting<Integer> SHUTDOWN_SECONDS =
      declare(
          "node.shutdownSeconds",
          "TU_SHUTDOWN_SECONDS",
          SettingType.intIn(0, 600),
          10,
          "how long in-flight HTTP requests may take to drain on SIGTERM");

  // ---- cluster ---------------------------------------------------------------------------
  public static final Setting<Boolean> CLUSTER_ENABLED =
      declare(
          "cluster.enabled",
          "TU_CLUSTER",
          SettingType.bool(),
          false,
          "clustered event bus (Hazelcast); also `-cluster`");
  public static final Setting<String> CLUSTER_NAME =
      declare(
          "cluster.name",
          "TU_CLUSTER_NAME",
          SettingType.string(),
          "ticker-universe",
          "Hazelcast cluster name");
  public static final Setting<String> CLUSTER_HOST =
      declare(
          "cluster.host",
          "TU_CLUSTER_HOST",
          SettingType.ipv4(),
          "127.0.0.1",
          "interface this node binds for the cluster");
  public static final Setting<Integer> CLUSTER_PORT =
      declare(
          "cluster.port",
          "TU_CLUSTER_PORT",
          SettingType.intIn(1, 65535),
          5701,
          "first Hazelcast port (counts up when taken)");
  public static final Setting<String> CLUSTER_DISCOVERY =
      declare(
          "cluster.discovery",
          "TU_CLUSTER_DISCOVERY",
          SettingType.oneOf("tcp", "kubernetes"),
          "tcp",
          "`tcp`: join `cluster.members`; `kubernetes`: find members through a headless Service's DNS");
  public static final Setting<List<String>> CLUSTER_MEMBERS =
      declare(
          "cluster.members",
          "TU_CLUSTER_MEMBERS",
          SettingType.list(),
          List.of("127.0.0.1"),
          "TCP-IP join members, `ip` or `ip:port` (never multicast)");
  public static final Setting<String> CLUSTER_KUBERNETES_DNS =
      declare(
          "cluster.kubernetesServiceDns",
          "TU_CLUSTER_KUBERNETES_SERVICE_DNS",
          SettingType.optionalString(),
          "",
          "headless Service DNS name for `kubernetes` discovery, e.g. `tu-hz.default.svc.cluster.local`");
  public static final Setting<Integer> CLUSTER_BUS_PORT =
      declare(
          "cluster.busPort",
          "TU_CLUSTER_BUS_PORT",
          SettingType.intIn(0, 65535),
          0,
          "event-bus port between nodes; 0 picks a free one");
  public static final Setting<String> CLUSTER_TLS_CERT =
      declare(
          "cluster.tlsCert",
          "TU_CLUSTER_TLS_CERT",
          SettingType.optionalString(),
          "",
          "PEM certificate of this node for the event bus, signed by `cluster.tlsCa`; set all three TLS files or none");
  public static final Setting<String> CLUSTER_TLS_KEY =
      declare(
          "cluster.tlsKey",
          "TU_CLUSTER_TLS_KEY",
          SettingType.optionalString(),
          "",
          "PEM private key of that certificate");
  public static final Setting<String> CLUSTER_TLS_CA =
      declare(
          "cluster.tlsCa",
          "TU_CLUSTER_TLS_CA",
          SettingType.optionalString(),
          "",
          "PEM CA certificate(s) a peer's certificate must chain to; empty (all three): clear-text event bus");

  /** Every setting, in declaration order (the order of the README table and of conf/). */
  public static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

  private final String path;
  private final String env;
  private final SettingType<T> type;
  private final T defaultValue;
  private final String meaning;

  /** The default under each privacy profile; empty for a setting no profile sets. */
  private final Map<PrivacyProfile, T> byProfile;

  private Setting(
      String path,
      String env,
      SettingType<T> type,
      T defaultValue,
      String meaning,
      Map<PrivacyProfile, T> byProfile) {
    this.path = path;
    this.env = env;
    this.type = type;
    this.defaultValue = defaultValue;
    this.meaning = meaning;
    this.byProfile = byProfile;
  }

  private static <T> Setting<T> declare(
      String path, String env, SettingType<T> type, T defaultValue, String meaning) {
    Setting<T> s = new Setting<>(path, env, type, defaultValue, meaning, Map.of());
    DECLARED.add(s);
    return s;
  }

  /** A setting whose default is its privacy profile's; {@link #defaultValue()} is standard's. */
  private static <T> Setting<T> profiled(
      String path, String env, SettingType<T> type, T off, T standard, T strict, String meaning) {
    Map<PrivacyProfile, T> byProfile = new EnumMap<>(PrivacyProfile.class);
    byProfile.put(PrivacyProfile.OFF, off);
    byProfile.put(PrivacyProfile.STANDARD, standard);
    byProfile.put(PrivacyProfile.STRICT, strict);
    Setting<T> s =
        new Setting<>(path, env, type, standard, meaning, Collections.unmodifiableMap(byProfile));
    DECLARED.add(s);
    return s;
  }

  public String path() {
    return path;
  }

  public String env() {
    return env;
  }

  public SettingType<T> type() {
    return type;
  }

  /** The default under the default profile ({@code standard}). */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default under {@code profile}: its profile's value, or the one default. */
  public T defaultFor(PrivacyProfile profile) {
    return byProfile.getOrDefault(profile, defaultValue);
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

  /** The value as it appears in JSON (conf/, the verticles' config); secrets included. */
  public Object toJson(Object value) {
    return type.toJson(type.cast(value));
  }

  /**
   * The default as the README shows it: secrets and empty values as "(none)"; a profiled setting as
   * its value under each profile.
   */
  public String documentedDefault() {
    if (!profiled()) {
      return shown(defaultValue);
    }
    StringBuilder text = new StringBuilder("by profile:");
    for (PrivacyProfile p : PrivacyProfile.values()) {
      text.append(p == PrivacyProfile.OFF ? " " : ", ").append(p.id()).append(' ');
      text.append(shown(byProfile.get(p)));
    }
    return text.toString();
  }

  private String shown(T value) {
    String text = String.valueOf(toJson(value));
    return text.isEmpty() ? "(none)" : text;
  }

  public static Setting<?> byPath(String path) {
    return ALL.stream().filter(s -> s.path.equals(path)).findFirst().orElse(null);
  }

  @Override
  public String toString() {
    return label();
  }
}
