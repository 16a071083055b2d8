package org.tickeruniverse.config;

import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.tickeruniverse.bucket.Buckets;

/**
 * The whole configuration, typed and validated once at start-up. Each section is a record whose
 * components are the settings of that section, by name: {@code flush.leaseSeconds} is {@code
 * flush().leaseSeconds()}. Nothing here is written per setting except the component; the
 * declarations in {@link Setting} say everything else, and {@link ConfigReader} builds the records
 * from them.
 *
 * <p>Verticles receive it in their constructor from {@code Node}, or from the test or sibling that
 * deploys them; it is read and validated once, by {@link ConfigLoader}.
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
      String host,
      int port,
      int instances,
      int bodyLimitBytes,
      long busTimeoutMillis,
      long adminTimeoutMillis) {}

  /**
   * Bearer tokens; {@code disabled} only ever with a loopback host (enforced by the reader). Proxy
   * tokens are caller tokens that may also name a {@code contributor}
   * (docs/DESIGN.md#contributors).
   */
  public record Auth(
      Set<String> apiTokens, Set<String> adminTokens, boolean disabled, Set<String> proxyTokens) {
    @Override
    public String toString() {
      // Never print a token, not even by accident in a debug log of the config.
      return "Auth[apiTokens="
          + apiTokens.size()
          + ", adminTokens="
          + adminTokens.size()
          + ", disabled="
          + disabled
          + ", proxyTokens="
          + proxyTokens.size()
          + "]";
    }
  }

  public record Redis(String url, int maxPoolSize, int maxPoolWaiting, int commandTimeoutMillis) {
    @Override
    public String toString() {
      return "Redis[url=" + Urls.redact(url) + ", maxPoolSize=" + maxPoolSize + "]";
    }
  }

  public record Mysql(
      String url, String password, int poolSize, int maxWaitQueue, int queryTimeoutMillis) {
    @Override
    public String toString() {
      return "Mysql[url=" + Urls.redact(url) + ", poolSize=" + poolSize + "]";
    }
  }

  public record Buffer(
      String keyPrefix,
      int bucketSeconds,
      int ttlSeconds,
      int maxTickers,
      int maxQueued,
      int ratePerToken,
      int rateBurst,
      int ackReplicas,
      int ackTimeoutMillis) {}

  public record Flush(int graceSeconds, int chunkSize, int leaseSeconds) {}

  /** The publication pool's rule (docs/DESIGN.md#anonymity-the-publication-pool). */
  public record Privacy(
      String profile,
      String secret,
      int minContributors,
      int minContributorsAfterHold,
      int maxHoldSeconds,
      String stampPrecision) {
    @Override
    public String toString() {
      return "Privacy[profile="
          + profile
          + ", secret="
          + (secret.isEmpty() ? "kept in Redis" : "set")
          + ", minContributors="
          + minContributors
          + ", minContributorsAfterHold="
          + minContributorsAfterHold
          + ", maxHoldSeconds="
          + maxHoldSeconds
          + ", stampPrecision="
          + stampPrecision
          + "]";
    }
  }

  public record Evict(
      int ttlDays, int batchSize, int pauseMillis, LocalTime dailyAtUtc, int spreadDays) {}

  public record Upsert(boolean enabled) {}

  public record Universe(
      int refreshSeconds, String seedFile, int maxTickers, long buildTimeoutMillis) {}

  public record Log(String format) {}

  public record Node(List<VerticleName> verticles, int opsPort, int shutdownSeconds) {
    public boolean runs(VerticleName verticle) {
      return verticles.contains(verticle);
    }
  }

  /**
   * Clustered mode: Hazelcast binds {@code host} from {@code port} up and joins {@code members}
   * over TCP-IP (or finds them through a Kubernetes headless Service); the event bus listens on
   * {@code host:busPort} (0: any free port — fine on one machine, fix it where a firewall sits
   * between nodes), over TLS with client certificates when the three {@code tls*} PEM files are
   * set.
   */
  public record Cluster(
      boolean enabled,
      String name,
      String host,
      int port,
      String discovery,
      List<String> members,
      String kubernetesServiceDns,
      int busPort,
      String tlsCert,
      String tlsKey,
      String tlsCa) {

    /**
     * Whether the event bus runs TLS with client certificates (the reader admits all three files or
     * none, docs/CLUSTER.md#encrypted-event-bus).
     */
    public boolean tls() {
      return !tlsCert.isEmpty();
    }
  }

  /** The bucket arithmetic these settings define: the one place every verticle gets it from. */
  public Buckets buckets(Clock clock) {
    return new Buckets(buffer.keyPrefix(), buffer.bucketSeconds(), flush.graceSeconds(), clock);
  }

  /** The value of one setting (by its section and component, the way the reader bound it). */
  public Object get(Setting<?> setting) {
    try {
      Object section = ServiceConfig.class.getMethod(setting.section()).invoke(this);
      return section.getClass().getMethod(setting.component()).invoke(section);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no ServiceConfig component for " + setting.path(), e);
    }
  }
}
