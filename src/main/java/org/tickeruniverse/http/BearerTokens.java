package org.tickeruniverse.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * The configured bearer tokens, held only as SHA-256 hashes. A presented token is hashed and
 * compared with every configured hash by {@link MessageDigest#isEqual} (constant time for equal
 * lengths, and hashes always have equal lengths), without stopping at the first match, so the time
 * taken says nothing about which token, or how much of one, matched.
 */
final class BearerTokens {

  /** The strongest role of a token; {@link #NONE} for an unknown one. */
  enum Role {
    NONE,
    CALLER,
    /** A caller that uploads for many users and may name each ({@code auth.proxyTokens}). */
    PROXY,
    ADMIN
  }

  /**
   * What one token may do. A token may be listed more than once (an admin token that is also a
   * proxy token may name contributors).
   */
  record Grants(boolean caller, boolean proxy, boolean admin) {
    static final Grants NONE = new Grants(false, false, false);

    boolean valid() {
      return caller || proxy || admin;
    }

    Role role() {
      return admin ? Role.ADMIN : proxy ? Role.PROXY : caller ? Role.CALLER : Role.NONE;
    }
  }

  private final List<byte[]> callers;
  private final List<byte[]> proxies;
  private final List<byte[]> admins;

  BearerTokens(Set<String> callerTokens, Set<String> adminTokens) {
    this(callerTokens, Set.of(), adminTokens);
  }

  BearerTokens(Set<String> callerTokens, Set<String> proxyTokens, Set<String> adminTokens) {
    this.callers = callerTokens.stream().map(BearerTokens::digest).toList();
    this.proxies = proxyTokens.stream().map(BearerTokens::digest).toList();
    this.admins = adminTokens.stream().map(BearerTokens::digest).toList();
  }

  /** The role of a presented token; {@link Role#NONE} for null or unknown. */
  Role roleOf(String token) {
    return grantsOf(token).role();
  }

  /** Everything a presented token may do; every list is compared in full, whatever matches. */
  Grants grantsOf(String token) {
    return token == null || token.isEmpty() ? Grants.NONE : grantsOfDigest(digest(token));
  }

  /** {@link #grantsOf} for a token already hashed with {@link #digest}. */
  Grants grantsOfDigest(byte[] presented) {
    return new Grants(
        matchesAny(presented, callers),
        matchesAny(presented, proxies),
        matchesAny(presented, admins));
  }

  private static boolean matchesAny(byte[] presented, List<byte[]> candidates) {
    boolean any = false;
    for (byte[] candidate : candidates) {
      any |= MessageDigest.isEqual(presented, candidate);
    }
    return any;
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static String bearer(String authorization) {
    if (authorization == null
        || authorization.length() <= 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  /** The SHA-256 of a presented token: what the configured tokens are compared with. */
  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
