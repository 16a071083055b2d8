package org.tickeruniverse.privacy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash (HMAC-SHA256 with {@code privacy.secret}) through which the service sees
 * contributors: nothing stores, logs or counts a contributor or a token in the clear
 * (docs/DESIGN.md#anonymity-the-publication-pool).
 *
 * <p>An empty secret means a random key drawn once per process: counts stay right on one node, but
 * nodes of a cluster then hash the same contributor differently and count it once per node
 * (start-up says so when it matters). Hashes are never compared across deployments.
 */
public final class ContributorKey {

  /**
   * The HLL element of "a contributor we cannot tell apart": a bus message without the field, a
   * bucket written by another writer. Not a hash (those are 64 hex digits), so it never collides
   * with a real contributor, and one shared element can never inflate a count.
   */
  public static final String UNKNOWN = "unknown";

  /** 1–128 printable ASCII characters: the shape of a contributor on the bus and over HTTP. */
  public static final int MAX_LENGTH = 128;

  private static final byte[] PROCESS_KEY = randomKey();

  private final SecretKeySpec key;

  private ContributorKey(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The key of {@code privacy.secret}; a per-process random key when it is empty. */
  public static ContributorKey of(String secret) {
    return new ContributorKey(
        secret == null || secret.isEmpty() ? PROCESS_KEY : secret.getBytes(StandardCharsets.UTF_8));
  }

  public static boolean isValidContributor(String contributor) {
    if (contributor == null || contributor.isEmpty() || contributor.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < contributor.length(); i++) {
      char c = contributor.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The HLL element of a contributor: 64 hex digits of its keyed hash. */
  public String element(String contributor) {
    return HexFormat.of().formatHex(mac("contributor\0" + contributor));
  }

  /**
   * What the HTTP edge sends as the contributor of a caller's upload: a keyed hash of the bearer
   * token (the bus never carries a token), or — when a backend proxies its users through one token
   * and names them — of the token and that name, so two backends' "user-1" stay two contributors.
   * 45 printable characters, within the bus shape.
   */
  public String ofCaller(String token, String proxiedContributor) {
    String t = token == null ? "" : token;
    byte[] h =
        proxiedContributor == null
            ? mac("token\0" + t)
            : mac("proxied\0" + t + "\0" + proxiedContributor);
    return "h:" + Base64.getUrlEncoder().withoutPadding().encodeToString(h);
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }
}
