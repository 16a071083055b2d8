package org.tickeruniverse.config;

import java.util.List;

/**
 * One configuration setting: where it lives in the JSON files of {@code conf/} and the
 * environment variable that overrides it. The one list of every setting the service reads, so
 * that the README table, the loader and the error messages cannot disagree.
 */
public record Setting(String path, String env) {

  public static final Setting HTTP_HOST = new Setting("http.host", "TU_HTTP_HOST");
  public static final Setting HTTP_PORT = new Setting("http.port", "TU_HTTP_PORT");
  public static final Setting HTTP_INSTANCES = new Setting("http.instances", "TU_HTTP_INSTANCES");
  public static final Setting HTTP_BODY_LIMIT = new Setting("http.bodyLimitBytes", "TU_BODY_LIMIT_BYTES");
  public static final Setting HTTP_MAX_CONCURRENT =
      new Setting("http.maxConcurrentRequestsPerConnection", "TU_HTTP_MAX_CONCURRENT_PER_CONNECTION");
  public static final Setting HTTP_BUS_TIMEOUT = new Setting("http.busTimeoutMillis", "TU_BUS_TIMEOUT_MILLIS");
  public static final Setting HTTP_ADMIN_TIMEOUT = new Setting("http.adminTimeoutMillis", "TU_ADMIN_TIMEOUT_MILLIS");
  public static final Setting API_TOKENS = new Setting("auth.apiTokens", "TU_API_TOKENS");
  public static final Setting ADMIN_TOKENS = new Setting("auth.adminTokens", "TU_ADMIN_TOKENS");
  public static final Setting AUTH_DISABLED = new Setting("auth.disabled", "TU_AUTH_DISABLED");
  public static final Setting REDIS_URL = new Setting("redis.url", "TU_REDIS_URL");
  public static final Setting REDIS_POOL = new Setting("redis.maxPoolSize", "TU_REDIS_POOL_SIZE");
  public static final Setting REDIS_POOL_WAITING = new Setting("redis.maxPoolWaiting", "TU_REDIS_POOL_WAITING");
  public static final Setting MYSQL_URL = new Setting("mysql.url", "TU_MYSQL_URL");
  public static final Setting MYSQL_PASSWORD = new Setting("mysql.password", "TU_MYSQL_PASSWORD");
  public static final Setting MYSQL_POOL = new Setting("mysql.poolSize", "TU_MYSQL_POOL_SIZE");
  public static final Setting MYSQL_WAIT_QUEUE = new Setting("mysql.maxWaitQueue", "TU_MYSQL_MAX_WAIT_QUEUE");
  public static final Setting KEY_PREFIX = new Setting("buffer.keyPrefix", "TU_KEY_PREFIX");
  public static final Setting BUCKET_SECONDS = new Setting("buffer.bucketSeconds", "TU_BUCKET_SECONDS");
  public static final Setting BUFFER_TTL = new Setting("buffer.ttlSeconds", "TU_BUFFER_TTL_SECONDS");
  public static final Setting MAX_TICKERS = new Setting("buffer.maxTickers", "TU_MAX_TICKERS");
  public static final Setting FLUSH_GRACE = new Setting("flush.graceSeconds", "TU_FLUSH_GRACE_SECONDS");
  public static final Setting FLUSH_CHUNK = new Setting("flush.chunkSize", "TU_FLUSH_CHUNK_SIZE");
  public static final Setting FLUSH_LEASE = new Setting("flush.leaseSeconds", "TU_FLUSH_LEASE_SECONDS");
  public static final Setting EVICT_TTL_DAYS = new Setting("evict.ttlDays", "TU_EVICT_TTL_DAYS");
  public static final Setting EVICT_BATCH = new Setting("evict.batchSize", "TU_EVICT_BATCH_SIZE");
  public static final Setting EVICT_PAUSE = new Setting("evict.pauseMillis", "TU_EVICT_PAUSE_MILLIS");
  public static final Setting EVICT_AT = new Setting("evict.dailyAtUtc", "TU_EVICT_AT_UTC");
  public static final Setting UPSERT_ENABLED = new Setting("upsert.enabled", "TU_UPSERT_ENABLED");
  public static final Setting UNIVERSE_REFRESH = new Setting("universe.refreshSeconds", "TU_UNIVERSE_REFRESH_SECONDS");
  public static final Setting NODE_VERTICLES = new Setting("node.verticles", "TU_VERTICLES");
  public static final Setting SHUTDOWN_SECONDS = new Setting("node.shutdownSeconds", "TU_SHUTDOWN_SECONDS");
  public static final Setting CLUSTER_ENABLED = new Setting("cluster.enabled", "TU_CLUSTER");
  public static final Setting CLUSTER_NAME = new Setting("cluster.name", "TU_CLUSTER_NAME");
  public static final Setting CLUSTER_HOST = new Setting("cluster.host", "TU_CLUSTER_HOST");
  public static final Setting CLUSTER_PORT = new Setting("cluster.port", "TU_CLUSTER_PORT");
  public static final Setting CLUSTER_MEMBERS = new Setting("cluster.members", "TU_CLUSTER_MEMBERS");
  public static final Setting CLUSTER_BUS_PORT = new Setting("cluster.busPort", "TU_CLUSTER_BUS_PORT");

  public static final List<Setting> ALL = List.of(
      HTTP_HOST, HTTP_PORT, HTTP_INSTANCES, HTTP_BODY_LIMIT, HTTP_MAX_CONCURRENT, HTTP_BUS_TIMEOUT, HTTP_ADMIN_TIMEOUT,
      API_TOKENS, ADMIN_TOKENS, AUTH_DISABLED,
      REDIS_URL, REDIS_POOL, REDIS_POOL_WAITING,
      MYSQL_URL, MYSQL_PASSWORD, MYSQL_POOL, MYSQL_WAIT_QUEUE,
      KEY_PREFIX, BUCKET_SECONDS, BUFFER_TTL, MAX_TICKERS,
      FLUSH_GRACE, FLUSH_CHUNK, FLUSH_LEASE,
      EVICT_TTL_DAYS, EVICT_BATCH, EVICT_PAUSE, EVICT_AT,
      UPSERT_ENABLED, UNIVERSE_REFRESH, NODE_VERTICLES, SHUTDOWN_SECONDS,
      CLUSTER_ENABLED, CLUSTER_NAME, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_MEMBERS, CLUSTER_BUS_PORT);

  /** How an error message names this setting: both ways a user may have set it. */
  public String label() {
    return env + " (" + path + ")";
  }
}
