package org.tickeruniverse.config;

import static org.tickeruniverse.config.Setting.Kind.IPV4;
import static org.tickeruniverse.config.Setting.Kind.KEY_PREFIX;
import static org.tickeruniverse.config.Setting.Kind.MYSQL_URL;
import static org.tickeruniverse.config.Setting.Kind.NON_EMPTY;
import static org.tickeruniverse.config.Setting.Kind.PASSWORD;
import static org.tickeruniverse.config.Setting.Kind.PROFILE;
import static org.tickeruniverse.config.Setting.Kind.REDIS_URL;
import static org.tickeruniverse.config.Setting.Kind.SECRET;

import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.config.Setting.Check;
import org.tickeruniverse.config.Setting.Doc;
import org.tickeruniverse.config.Setting.OneOf;
import org.tickeruniverse.config.Setting.Range;
import org.tickeruniverse.config.Setting.Was;
import org.tickeruniverse.role.VerticleName;

/**
 * The whole configuration, typed and validated once at start-up by {@link ConfigLoader}, and every
 * setting declared once: a component of a section record, with its {@link Doc} and checks (meaning
 * and check). {@code flush.leaseSeconds} is {@code flush().leaseSeconds()}, read from {@code
 * TU_FLUSH_LEASE_SECONDS}; its default is in {@code conf/}. A new setting is a component here and
 * its default there (README.md#configuration). Verticles receive their sections from {@code Node}
 * in their constructors.
 */
public record ServiceConfig(
    Http http,
    Auth auth,
    Redis redis,
    Mysql mysql,
    Buffer buffer,
    Flush flush,
    Privacy privacy,
    Evict evict,
    Upsert upsert,
    Universe universe,
    Log log,
    Node node,
    Cluster cluster) {

  public record Http(
      @Doc("bind address (forced to 127.0.0.1 when auth is disabled)") @Check(NON_EMPTY)
          String host,
      @Doc("HTTP port") @Range(max = 65535) int port,
      @Doc("HTTP verticle instances (event loops)") @Range(min = 1, max = 64) int instances,
      @Doc("request body limit (413 beyond)")
          @Range(min = 1024, max = 16 << 20)
          @Was("TU_BODY_LIMIT_BYTES")
          int bodyLimitBytes,
      @Doc("event-bus request time-out (503 beyond)")
          @Range(min = 100, max = 600_000)
          @Was("TU_BUS_TIMEOUT_MILLIS")
          long busTimeoutMillis,
      @Doc("time-out of admin flush/evict requests, which may run for minutes")
          @Range(min = 100, max = 3_600_000)
          @Was("TU_ADMIN_TIMEOUT_MILLIS")
          long adminTimeoutMillis) {}

  /**
   * Bearer tokens; {@code disabled} only ever with a loopback host (enforced by the loader). Proxy
   * tokens are caller tokens that may also name a {@code contributor}
   * (docs/DESIGN.md#contributors).
   */
  public record Auth(
      @Doc("comma-separated bearer tokens for callers (≥16 chars)") @Was("TU_API_TOKENS")
          Set<String> apiTokens,
      @Doc("comma-separated bearer tokens for admin operations") @Was("TU_ADMIN_TOKENS")
          Set<String> adminTokens,
      @Doc(
              "run without auth (loopback only); without tokens and without this the service refuses to start")
          boolean disabled,
      @Doc(
              "comma-separated bearer tokens of backends that upload for many users: only these may name a `contributor` (≥16 chars; also valid caller tokens)")
          @Was("TU_PROXY_TOKENS")
          Set<String> proxyTokens) {
    @Override
    public String toString() { // never a token, not even in a debug log of the config
      return "Auth[apiTokens=%d, adminTokens=%d, disabled=%s, proxyTokens=%d]"
          .formatted(apiTokens.size(), adminTokens.size(), disabled, proxyTokens.size());
    }
  }

  public record Redis(
      @Doc(
              "`redis://`, `rediss://`, `redis-sentinel://h:p[,h:p]/master`, `redis-cluster://h:p[,h:p]`")
          @Check(REDIS_URL)
          String url,
      @Doc("Redis connections per client") @Range(min = 1, max = 1024) @Was("TU_REDIS_POOL_SIZE")
          int maxPoolSize,
      @Doc("requests that may wait for a Redis connection")
          @Range(min = 1, max = 1_000_000)
          @Was("TU_REDIS_POOL_WAITING")
          int maxPoolWaiting,
      @Doc(
              "longest wait for one Redis command; then the command fails and its connection is replaced")
          @Range(min = 100, max = 600_000)
          int commandTimeoutMillis) {
    @Override
    public String toString() {
      return "Redis[url=" + Urls.redact(url) + ", maxPoolSize=" + maxPoolSize + "]";
    }
  }

  public record Mysql(
      @Doc("MySQL 8 or MariaDB") @Check(MYSQL_URL) String url,
      @Doc("password, if not in the URL") @Check(PASSWORD) String password,
      @Doc("MySQL connections (one pool shared by the verticles of a node)")
          @Range(min = 1, max = 256)
          int poolSize,
      @Doc("queries that may wait for a connection") @Range(min = 1, max = 1_000_000)
          int maxWaitQueue,
      @Doc("longest wait for one SQL statement; then it fails and its connection is closed")
          @Range(min = 100, max = 3_600_000)
          int queryTimeoutMillis) {
    @Override
    public String toString() {
      return "Mysql[url=" + Urls.redact(url) + ", poolSize=" + poolSize + "]";
    }
  }

  public record Buffer(
      @Doc("Redis key prefix; `{ticker_universe}` for Redis Cluster")
          @Check(KEY_PREFIX)
          @Was("TU_KEY_PREFIX")
          String keyPrefix,
      @Doc("bucket width; must divide 3600") @Range(min = 1, max = 3600) @Was("TU_BUCKET_SECONDS")
          int bucketSeconds,
      @Doc("TTL of a bucket key, refreshed on every write and while held (recovery window)")
          @Range(min = 1, max = 7 * 24 * 3600)
          int ttlSeconds,
      @Doc("tickers per request") @Range(min = 1, max = 100_000) @Was("TU_MAX_TICKERS")
          int maxTickers,
      @Doc("buffer requests waiting for Redis on one node; beyond, 503 with Retry-After")
          @Range(min = 1, max = 1_000_000)
          int maxQueued,
      @Doc(
              "buffer requests per second per caller token on one node; beyond, 429 with Retry-After; 0: no limit")
          @Range(max = 1_000_000)
          int ratePerToken,
      @Doc("buffer requests one token may send at once before the per-second rate applies")
          @Range(min = 1, max = 1_000_000)
          int rateBurst,
      @Doc(
              "replicas that must confirm a buffer write (Redis WAIT) before it is answered 202; beyond the time-out, 503")
          @Range(max = 16)
          int ackReplicas,
      @Doc("longest wait for those replicas (below the Redis command time-out)")
          @Range(min = 1, max = 60_000)
          int ackTimeoutMillis) {}

  public record Flush(
      @Doc("a bucket is closed this long after its end") @Range(max = 3600) int graceSeconds,
      @Doc("rows per multi-row upsert / members per SSCAN page") @Range(min = 1, max = 10_000)
          int chunkSize,
      @Doc(
              "flush lease (and eviction lock time-out), renewed every third of it while the job runs: a crashed holder delays the job by at most this")
          @Range(min = 1, max = 3600)
          int leaseSeconds) {}

  /** The publication pool's rule (docs/DESIGN.md#anonymity-the-publication-pool). */
  public record Privacy(
      @Doc(
              "`standard`, `strict` or `off` (the original module's behaviour): the defaults of the settings marked by profile (docs/PRIVACY.md#profiles)")
          @Check(PROFILE)
          String profile,
      @Doc(
              "key of the hash that counts contributors (≥16 chars, the same on every node); empty: one created once and kept in Redis")
          @Check(SECRET)
          String secret,
      @Doc("k: distinct contributors a pool of closed buckets needs before it is published")
          @Range(min = 1, max = 10_000)
          int minContributors,
      @Doc(
              "contributors that suffice once the pool's oldest bucket was held the maximum (≤ k; when only k is set, at most k)")
          @Range(min = 1, max = 10_000)
          int minContributorsAfterHold,
      @Doc("how long a pool is held for k before the after-hold threshold applies")
          @Range(min = 1, max = 30 * 24 * 3600)
          int maxHoldSeconds,
      @Doc(
              "`day`: `last_referenced_at` is written as 00:00 UTC of its day, so one day's references look alike; `exact`: the bucket stamp, as the original")
          @OneOf({"day", "exact"})
          String stampPrecision) {
    /** The profile that keeps the original module's behaviour (docs/PRIVACY.md#profiles). */
    public boolean off() {
      return profile.equals("off");
    }

    @Override
    public String toString() {
      return "Privacy[profile=%s, secret=%s, k=%d, afterHold=%d, maxHoldSeconds=%d, stamp=%s]"
          .formatted(
              profile,
              secret.isEmpty() ? "kept in Redis" : "set",
              minContributors,
              minContributorsAfterHold,
              maxHoldSeconds,
              stampPrecision);
    }
  }

  public record Evict(
      @Doc("rows not referenced for this long are evicted") @Range(min = 1, max = 36_500)
          int ttlDays,
      @Doc("rows per DELETE batch (see docs/PERFORMANCE.md for the measured choice)")
          @Range(min = 1, max = 100_000)
          int batchSize,
      @Doc("pause between DELETE batches") @Range(max = 60_000) int pauseMillis,
      @Doc("daily eviction time (UTC)") @Was("TU_EVICT_AT_UTC") LocalTime dailyAtUtc,
      @Doc(
              "a stale row is evicted on one of this many days after the TTL, chosen per ticker by a secret kept in MySQL; 0: all at the TTL")
          @Range(max = 365)
          int spreadDays) {}

  public record Upsert(
      @Doc(
              "allow the synchronous upsert (it leaks timing and bypasses the pool: 403 `upsert_disabled` when off)")
          boolean enabled) {}

  public record Universe(
      @Doc("periodic safety reload of the universe snapshot") @Range(min = 1, max = 86_400)
          int refreshSeconds,
      @Doc(
              "tickers kept in the universe at all times: `bundled` (the list of common tickers in the jar), a file (one per line, `#` comments), or `none`")
          String seedFile,
      @Doc(
              "the universe's bound: a flush publishes no new ticker beyond it (they stay buffered; docs/OPERATIONS.md#universe-at-capacity)")
          @Range(min = 1, max = 50_000_000)
          int maxTickers,
      @Doc("longest build of the universe snapshot; then it fails and is retried with back-off")
          @Range(min = 1, max = 3_600_000)
          long buildTimeoutMillis) {}

  public record Log(
      @Doc("`text` or `json` (one JSON object per line)") @OneOf({"text", "json"}) String format) {}

  public record Node(
      @Doc("what this node runs") @Was("TU_VERTICLES") List<VerticleName> verticles,
      @Doc(
              "internal port without a token: /metrics on every node, and /health on a node without `http`; 0: none")
          @Range(max = 65535)
          @Was("TU_OPS_PORT")
          int opsPort,
      @Doc("how long in-flight HTTP requests may take to drain on SIGTERM")
          @Range(max = 600)
          @Was("TU_SHUTDOWN_SECONDS")
          int shutdownSeconds) {
    public boolean runs(VerticleName verticle) {
      return verticles.contains(verticle);
    }
  }

  /**
   * Clustered mode: Hazelcast binds {@code host} from {@code port} up and joins {@code members}
   * over TCP-IP (or finds them through a Kubernetes headless Service); the event bus listens on
   * {@code host:busPort} (0: any free port), over TLS with client certificates when the three
   * {@code tls*} PEM files are set (docs/CLUSTER.md#encrypted-event-bus).
   */
  public record Cluster(
      @Doc("clustered event bus (Hazelcast); also `-cluster`") @Was("TU_CLUSTER") boolean enabled,
      @Doc("Hazelcast cluster name") @Check(NON_EMPTY) String name,
      @Doc("interface this node binds for the cluster") @Check(IPV4) String host,
      @Doc("first Hazelcast port (counts up when taken)") @Range(min = 1, max = 65535) int port,
      @Doc(
              "`tcp`: join `cluster.members`; `kubernetes`: find members through a headless Service's DNS")
          @OneOf({"tcp", "kubernetes"})
          String discovery,
      @Doc("TCP-IP join members, `ip` or `ip:port` (never multicast)") List<String> members,
      @Doc(
              "headless Service DNS name for `kubernetes` discovery, e.g. `tu-hz.default.svc.cluster.local`")
          String kubernetesServiceDns,
      @Doc("event-bus port between nodes; 0 picks a free one") @Range(max = 65535) int busPort,
      @Doc(
              "PEM certificate of this node for the event bus, signed by `cluster.tlsCa`; set all three TLS files or none")
          String tlsCert,
      @Doc("PEM private key of that certificate") String tlsKey,
      @Doc(
              "PEM CA certificate(s) a peer's certificate must chain to; empty (all three): clear-text event bus")
          String tlsCa) {

    /** Whether the event bus runs TLS (the loader admits all three files or none). */
    public boolean tls() {
      return !tlsCert.isEmpty();
    }
  }

  /** The bucket arithmetic these settings define: the one place every verticle gets it from. */
  public Buckets buckets(Clock clock) {
    return new Buckets(buffer.keyPrefix(), buffer.bucketSeconds(), flush.graceSeconds(), clock);
  }
}
