package org.tickeruniverse.config;

import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, typed and validated once at start-up. Verticles receive it as JSON
 * ({@link #toJson()}, because deployment options carry JSON) and read it back with
 * {@link #fromJson}, which validates again — a sibling that deploys our verticles with its own
 * config gets the same one-line errors.
 */
public record ServiceConfig(
    Http http,
    Auth auth,
    Redis redis,
    Mysql mysql,
    Buffer buffer,
    Flush flush,
    Evict evict,
    boolean upsertEnabled,
    int universeRefreshSeconds,
    Node node,
    Cluster cluster) {

  public record Http(String host, int port, int instances, int bodyLimitBytes,
                     int maxConcurrentRequestsPerConnection, long busTimeoutMillis,
                     long adminTimeoutMillis) {
  }

  /** Bearer tokens; {@code disabled} only ever with a loopback host (checked at load). */
  public record Auth(Set<String> apiTokens, Set<String> adminTokens, boolean disabled) {
    @Override
    public String toString() {
      // Never print a token, not even by accident in a debug log of the config.
      return "Auth[apiTokens=" + apiTokens.size() + ", adminTokens=" + adminTokens.size()
          + ", disabled=" + disabled + "]";
    }
  }

  public record Redis(String url, int maxPoolSize, int maxPoolWaiting) {
    @Override
    public String toString() {
      return "Redis[url=" + Urls.redact(url) + ", maxPoolSize=" + maxPoolSize + "]";
    }
  }

  public record Mysql(String url, String password, int poolSize, int maxWaitQueue) {
    @Override
    public String toString() {
      return "Mysql[url=" + Urls.redact(url) + ", poolSize=" + poolSize + "]";
    }
  }

  public record Buffer(String keyPrefix, int bucketSeconds, int ttlSeconds, int maxTickers) {
  }

  public record Flush(int graceSeconds, int chunkSize, int leaseSeconds) {
  }

  public record Evict(int ttlDays, int batchSize, int pauseMillis, LocalTime dailyAtUtc) {
  }

  public record Node(List<String> verticles, int shutdownSeconds) {
    public boolean runs(String verticle) {
      return verticles.contains(verticle);
    }
  }

  /**
   * Clustered mode: Hazelcast binds {@code host} from {@code port} up and joins {@code members}
   * over TCP-IP; the event bus listens on {@code host:busPort} (0: any free port — fine on one
   * machine, fix it where a firewall sits between nodes).
   */
  public record Cluster(boolean enabled, String name, String host, int port, List<String> members, int busPort) {
  }

  /** Serialised form handed to verticles; the inverse of {@link #fromJson}. */
  public JsonObject toJson() {
    return ConfigReader.toJson(this);
  }

  public static ServiceConfig fromJson(JsonObject json) {
    return new ConfigReader(json, java.util.Map.of()).read();
  }
}
