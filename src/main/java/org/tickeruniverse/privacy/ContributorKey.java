package org.tickeruniverse.privacy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.tickeruniverse.bus.Messages;

/**
 * How the service sees contributors (docs/DESIGN.md#contributors): nothing stores, logs or counts a
 * contributor or a token in the clear, and nothing Redis writes links one contributor's uploads
 * across days.
 *
 * <ul>
 *   <li>The HTTP edge turns the caller into a {@link #callerDigest}: an unkeyed, domain-separated
 *       SHA-256 of the bearer token (and, for a proxy token, of token and named user). It needs no
 *       secret, so an HTTP-only node without Redis computes the same value as every other node; the
 *       event bus carries it transiently, it is never stored.
 *   <li>The BufferVerticle, the only writer of buckets, turns whatever contributor a request names
 *       into the {@link #element} it adds to the bucket's HyperLogLog: the first 16 bits of an HMAC
 *       under a key that changes every UTC day. 16 bits because the element is written to the AOF,
 *       to replicas and to MONITOR beside the upload it counts: a short value links little, and a
 *       collision only counts two people as one (the safe side). The daily key means no value
 *       repeats across days by design.
 * </ul>
 */
public final class ContributorKey {

  /**
   * The HLL element of "a contributor we cannot tell apart": a bus message without the field, a
   * bucket written by another writer. Never an element of a real contributor (those are 4 hex
   * digits), so it never collides with one, and one shared element can never inflate a count.
   */
  public static final String UNKNOWN = "unknown";

  /**
   * 1–128 printable ASCII characters: the shape of a contributor on the bus and over HTTP, defined
   * with the bus contract ({@link Messages#CONTRIBUTOR}).
   */
  public static final int MAX_LENGTH = Messages.CONTRIBUTOR_MAX_LENGTH;

  /** Bytes of a secret the service creates itself (docs/DESIGN.md#contributors). */
  public static final int CREATED_SECRET_BYTES = 32;

  /** Hex digits of an element: 16 bits. */
  public static final int ELEMENT_HEX_DIGITS = 4;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec secret;

  /** The last day's key: a write derives it once a day, not once per upload. */
  private volatile DayKey cached;

  private record DayKey(LocalDate day, SecretKeySpec key) {}

  private ContributorKey(byte[] secret) {
    this.secret = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** The key of a secret, configured ({@code privacy.secret}) or kept in Redis; never empty. */
  public static ContributorKey of(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a contributor key needs a secret");
    }
    return new ContributorKey(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A new secret of {@value #CREATED_SECRET_BYTES} random bytes, URL-safe Base64 (43 chars). */
  public static String newSecret() {
    byte[] k = new byte[CREATED_SECRET_BYTES];
    RANDOM.nextBytes(k);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(k);
  }

  public static boolean isValidContributor(String contributor) {
    return Messages.isValidContributor(contributor);
  }

  /**
   * The HLL element of a contributor in a bucket of UTC date {@code day}: 4 hex digits, the first
   * 16 bits of HMAC(dayKey, contributor) with dayKey = HMAC(secret, "day\0" + ISO date).
   */
  public String element(String contributor, LocalDate day) {
    byte[] h = mac(dayKey(day), contributor);
    return HexFormat.of().formatHex(h, 0, ELEMENT_HEX_DIGITS / 2);
  }

  private SecretKeySpec dayKey(LocalDate day) {
    DayKey c = cached;
    if (c == null || !c.day().equals(day)) {
      c = new DayKey(day, new SecretKeySpec(mac(secret, "day\0" + day), "HmacSHA256"));
      cached = c;
    }
    return c.key();
  }

  /**
   * What the HTTP edge sends as the contributor of a caller's upload: a SHA-256 of the bearer token
   * (the bus never carries a token), or — for a proxy token that names its user — of token and
   * name, so two backends' "user-1" stay two contributors. Unkeyed on purpose: the edge holds no
   * secret, so every node, with or without Redis, sends the same value for the same caller; the
   * token's entropy (≥16 characters, checked at start-up) is what makes it unguessable. Domain
   * separated, so it never equals the hash the service keeps of a configured token. 45 printable
   * characters, within the bus shape.
   */
  public static String callerDigest(String token, String proxiedContributor) {
    String t = token == null ? "" : token;
    String text =
        proxiedContributor == null
            ? "tu.contributor.token\0" + t
            : "tu.contributor.proxied\0" + t + "\0" + proxiedContributor;
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "d:" + Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static byte[] mac(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
