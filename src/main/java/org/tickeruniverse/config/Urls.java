package org.tickeruniverse.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Redis URL forms the service understands, and redaction of credentials for logs.
 *
 * <ul>
 *   <li>{@code redis://[user:pass@]host:port[/db]} and {@code rediss://…}: one standalone server
 *   <li>{@code redis-sentinel://[:pass@]host:port[,host:port…]/masterName}: Sentinel
 *   <li>{@code redis-cluster://[:pass@]host:port[,host:port…]}: Redis Cluster
 * </ul>
 */
public final class Urls {

  public static final Set<String> REDIS_SCHEMES =
      Set.of("redis", "rediss", "redis-sentinel", "redis-cluster");

  private Urls() {}

  /** The URL with any password replaced by {@code ***}. */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
  }

  public static String scheme(String url) {
    int i = url.indexOf("://");
    return i < 0 ? "" : url.substring(0, i);
  }

  /** {@code user:pass} part of the authority, or empty. */
  public static Optional<String> userInfo(String url) {
    String authority = authority(url);
    int at = authority.lastIndexOf('@');
    return at < 0 ? Optional.empty() : Optional.of(authority.substring(0, at));
  }

  /** host:port pairs of a (possibly multi-host) Redis URL. */
  public static List<String> redisEndpoints(String url) {
    String authority = authority(url);
    int at = authority.lastIndexOf('@');
    String hosts = at < 0 ? authority : authority.substring(at + 1);
    List<String> out = new ArrayList<>();
    for (String hp : hosts.split(",")) {
      if (hp.isBlank()) {
        continue;
      }
      URI probe = URI.create("redis://" + hp.strip());
      if (probe.getHost() == null) {
        throw new IllegalArgumentException("bad host");
      }
      out.add(probe.getHost() + ":" + (probe.getPort() < 0 ? 6379 : probe.getPort()));
    }
    return out;
  }

  /** The master name of a redis-sentinel URL (its path). */
  public static Optional<String> sentinelMaster(String url) {
    String rest = afterAuthority(url);
    String name = rest.startsWith("/") ? rest.substring(1) : rest;
    int q = name.indexOf('?');
    name = q < 0 ? name : name.substring(0, q);
    return name.isBlank() ? Optional.empty() : Optional.of(name);
  }

  private static String authority(String url) {
    int start = url.indexOf("://");
    if (start < 0) {
      throw new IllegalArgumentException("no scheme");
    }
    String rest = url.substring(start + 3);
    int end = rest.indexOf('/');
    int q = rest.indexOf('?');
    if (end < 0 || (q >= 0 && q < end)) {
      end = q;
    }
    return end < 0 ? rest : rest.substring(0, end);
  }

  private static String afterAuthority(String url) {
    int start = url.indexOf("://") + 3;
    return url.substring(start + authority(url).length());
  }
}
