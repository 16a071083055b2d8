package org.tickeruniverse.universe;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The published universe as bytes: {@code {"count":n,"tickers":[…]}} for a sorted list, its gzip
 * form and an ETag that is a hash of the bytes. Built once per change and then served as it is, so
 * every caller gets the same bytes (docs/DESIGN.md#privacy-rules), and every node that holds the
 * same list computes the same ETag.
 */
public final class UniverseDocument {

  public static final UniverseDocument EMPTY = of(List.of());

  private final List<String> tickers;
  private final Buffer json;
  private final String etag;
  private Buffer gzip;

  private UniverseDocument(List<String> tickers, Buffer json, String etag) {
    this.tickers = tickers;
    this.json = json;
    this.etag = etag;
  }

  /**
   * @param sortedTickers distinct tickers in their published (sorted) order
   */
  public static UniverseDocument of(List<String> sortedTickers) {
    List<String> copy = List.copyOf(sortedTickers);
    Buffer json =
        new JsonObject().put("count", copy.size()).put("tickers", new JsonArray(copy)).toBuffer();
    return new UniverseDocument(copy, json, etagOf(json.getBytes()));
  }

  public List<String> tickers() {
    return tickers;
  }

  public int count() {
    return tickers.size();
  }

  public Buffer json() {
    return json;
  }

  /** Strong ETag value (without quotes): a hash of the JSON bytes. */
  public String etag() {
    return etag;
  }

  /** The JSON gzipped once, lazily; a fixed header (no time stamp) so every node's bytes match. */
  public synchronized Buffer gzip() {
    if (gzip == null) {
      gzip = Buffer.buffer(gzipBytes(json.getBytes()));
    }
    return gzip;
  }

  static String etagOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static byte[] gzipBytes(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 3));
    // GZIPOutputStream writes MTIME = 0, so the bytes depend on the input alone.
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 64 * 1024) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
