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

  enum Role {
    NONE,
    CALLER,
    ADMIN
  }

  private final List<byte[]> callers;
  private final List<byte[]> admins;

  BearerTokens(Set<String> callerTokens, Set<String> adminTokens) {
    this.callers = callerTokens.stream().map(BearerTokens::hash).toList();
    this.admins = adminTokens.stream().map(BearerTokens::hash).toList();
  }

  /** The role of a presented token; {@link Role#NONE} for null or unknown. */
  Role roleOf(String token) {
    if (token == null || token.isEmpty()) {
      return Role.NONE;
    }
    byte[] presented = hash(token);
    boolean admin = false;
    boolean caller = false;
    for (byte[] candidate : admins) {
      admin |= MessageDigest.isEqual(presented, candidate);
    }
    for (byte[] candidate : callers) {
      caller |= MessageDigest.isEqual(presented, candidate);
    }
    return admin ? Role.ADMIN : caller ? Role.CALLER : Role.NONE;
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

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
