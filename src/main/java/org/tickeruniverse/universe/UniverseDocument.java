package org.tickeruniverse.universe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.shareddata.Shareable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * The published universe as bytes: {@code {"count":n,"tickers":[…]}} for a sorted list, its gzip
 * form and an ETag that is a hash of the bytes. Built once per change and then served as it is, so
 * every caller gets the same bytes (docs/DESIGN.md#privacy-rules), and every node that holds the
 * same list computes the same ETag.
 *
 * <p>Compact (docs/PERFORMANCE.md#universe-snapshot): the document keeps only its JSON bytes, their
 * gzip form and a sparse index (the offset of every {@value #INDEX_EVERY}th ticker), never one
 * object per ticker. A {@link Builder} takes the tickers one at a time, in order, straight into the
 * bytes; pages of the list ({@link #page}) are read back from the bytes. Immutable, so one instance
 * is shared by every verticle of a JVM ({@link Shareable}).
 */
public final class UniverseDocument implements Shareable {

  /** Every this many tickers the index records an offset: 2,000,000 tickers → 3,907 ints. */
  static final int INDEX_EVERY = 512;

  public static final UniverseDocument EMPTY = of(List.of());

  /** Holds the JSON at {@code [start, end)}; never modified once built. */
  private final byte[] bytes;

  private final int start;
  private final int end;
  private final int count;
  private final int[] index;
  private final Buffer json;
  private final Buffer gzip;
  private final String etag;

  private UniverseDocument(
      byte[] bytes,
      int start,
      int end,
      int count,
      int[] index,
      byte[] gzip,
      int gzipLength,
      String etag) {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.count = count;
    this.index = index;
    // Wrapped, not copied (Buffer.buffer(byte[]) would copy the whole document once more); the
    // arrays are never written again, and Vert.x hands out unreleasable slices of a wrapped buffer.
    this.json = BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, start, end - start));
    this.gzip = BufferInternal.buffer(Unpooled.wrappedBuffer(gzip, 0, gzipLength));
    this.etag = etag;
  }

  /**
   * A document of a small list in any order (sorted and deduplicated here); large lists go through
   * a {@link Builder}.
   */
  public static UniverseDocument of(List<String> tickers) {
    Builder b = new Builder(0, Long.MAX_VALUE);
    new TreeSet<>(tickers).forEach(b::add);
    return b.build();
  }

  public int count() {
    return count;
  }

  public Buffer json() {
    return json;
  }

  /** Strong ETag value (without quotes): a hash of the JSON bytes. */
  public String etag() {
    return etag;
  }

  /** The JSON gzipped; a fixed header (no time stamp) so every node's bytes match. */
  public Buffer gzip() {
    return gzip;
  }

  /**
   * Up to {@code limit} tickers after {@code after} (null: from the first), and the next cursor.
   */
  public record Page(List<String> tickers, String next) {}

  /**
   * The tickers strictly after {@code after} in the published order, at most {@code limit} of them;
   * {@code next} is the last one returned when more follow, else null. Cost: a binary search of the
   * index, then at most {@value #INDEX_EVERY} + {@code limit} tickers decoded.
   */
  public Page page(String after, int limit) {
    List<String> out = new ArrayList<>(Math.min(Math.max(0, limit), count));
    if (count == 0 || limit <= 0) {
      return new Page(out, null);
    }
    int block = 0;
    if (after != null) {
      int lo = 0;
      int hi = index.length - 1;
      while (lo < hi) { // last block whose first ticker is <= after
        int mid = (lo + hi + 1) >>> 1;
        if (readString(index[mid]).compareTo(after) <= 0) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      block = lo;
    }
    int pos = index[block];
    while (pos < end && bytes[pos] == '"') {
      int close = closingQuote(pos);
      if (out.size() == limit) {
        return new Page(out, out.get(out.size() - 1));
      }
      String t = decode(pos, close);
      if (after == null || t.compareTo(after) > 0) {
        out.add(t);
      }
      pos = close + 2; // past the quote and the ',' (or ']', which ends the loop)
    }
    return new Page(out, null);
  }

  private String readString(int quote) {
    return decode(quote, closingQuote(quote));
  }

  private int closingQuote(int quote) {
    int i = quote + 1;
    while (bytes[i] != '"') {
      i += bytes[i] == '\\' ? 2 : 1;
    }
    return i;
  }

  private String decode(int quote, int close) {
    boolean plain = true;
    for (int i = quote + 1; i < close; i++) {
      if (bytes[i] == '\\' || bytes[i] < 0) {
        plain = false;
        break;
      }
    }
    if (plain) {
      return new String(bytes, quote + 1, close - quote - 1, StandardCharsets.ISO_8859_1);
    }
    return (String)
        Json.decodeValue(Buffer.buffer(Arrays.copyOfRange(bytes, quote, close + 1)), String.class);
  }

  static String etagOf(byte[] bytes, int off, int len) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, off, len);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 27);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** Thrown when a build would pass its byte budget: the snapshot refuses rather than exhaust. */
  public static final class TooLargeException extends RuntimeException {
    TooLargeException(long budget) {
      super("the universe document would exceed " + budget + " bytes", null, false, false);
    }
  }

  /**
   * Writes the JSON of a sorted list one ticker at a time. Memory: the bytes written so far (grown
   * by half when full, starting from the caller's size hint, e.g. the previous document's) and the
   * last ticker, to check the order. {@link #build()} writes the header, trims, gzips and hashes —
   * CPU work for a worker thread on a large list. Peak: about twice the finished JSON.
   */
  public static final class Builder {

    /** {@code {"count":2147483647,"tickers":[} is 31 bytes; the header is written into this room. */
    private static final int HEADER_ROOM = 32;

    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.US_ASCII);

    private final long maxBytes;
    private byte[] buf;
    private int len = HEADER_ROOM;
    private int count;
    private String last;
    private int[] index = new int[16];

    /**
     * @param sizeHint expected JSON size in bytes (0: unknown)
     * @param maxBytes byte budget of the JSON: adding past it throws {@link TooLargeException}
     */
    public Builder(int sizeHint, long maxBytes) {
      this.maxBytes = maxBytes;
      this.buf = new byte[Math.max(4096, sizeHint + HEADER_ROOM + TAIL.length)];
    }

    public int count() {
      return count;
    }

    /** The last ticker added (null before the first): the keyset cursor of a paged read. */
    public String last() {
      return last;
    }

    /** Adds the next ticker; it must sort strictly after the previous one. */
    public Builder add(String ticker) {
      if (last != null && ticker.compareTo(last) <= 0) {
        throw new IllegalArgumentException("tickers out of order or repeated");
      }
      if (count % INDEX_EVERY == 0) {
        if (count / INDEX_EVERY == index.length) {
          index = Arrays.copyOf(index, index.length * 2);
        }
        index[count / INDEX_EVERY] = len + (count == 0 ? 0 : 1);
      }
      if (count > 0) {
        put((byte) ',');
      }
      if (isPlain(ticker)) {
        ensure(ticker.length() + 2);
        buf[len++] = '"';
        for (int i = 0; i < ticker.length(); i++) {
          buf[len++] = (byte) ticker.charAt(i);
        }
        buf[len++] = '"';
      } else {
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(ticker);
        ensure(quoted.length + 2);
        buf[len++] = '"';
        System.arraycopy(quoted, 0, buf, len, quoted.length);
        len += quoted.length;
        buf[len++] = '"';
      }
      count++;
      last = ticker;
      return this;
    }

    /** Printable ASCII without {@code "} and {@code \}: written as it is (every valid ticker). */
    private static boolean isPlain(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          return false;
        }
      }
      return true;
    }

    private void put(byte b) {
      ensure(1);
      buf[len++] = b;
    }

    private void ensure(int more) {
      if ((long) len + more + TAIL.length - HEADER_ROOM > maxBytes) {
        throw new TooLargeException(maxBytes);
      }
      if (len + more + TAIL.length > buf.length) {
        long grown = Math.max((long) len + more + TAIL.length, buf.length + (buf.length >> 1));
        buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, grown));
      }
    }

    /** The finished document; the builder must not be used afterwards. */
    public UniverseDocument build() {
      return build(null);
    }

    /**
     * As {@link #build()}, but when the JSON is byte for byte {@code previous}'s (same ETag),
     * {@code previous} itself: an unchanged reload costs no compression and no second copy.
     */
    public UniverseDocument build(UniverseDocument previous) {
      byte[] header =
          ("{\"count\":" + count + ",\"tickers\":[").getBytes(StandardCharsets.US_ASCII);
      int from = HEADER_ROOM - header.length;
      System.arraycopy(header, 0, buf, from, header.length);
      System.arraycopy(TAIL, 0, buf, len, TAIL.length);
      len += TAIL.length;
      int[] offsets = Arrays.copyOf(index, (count + INDEX_EVERY - 1) / INDEX_EVERY);
      byte[] bytes = buf;
      int jsonStart = from;
      if (bytes.length - len > len / 8) {
        // Trim the slack of the last growth, kept for the life of the document otherwise.
        bytes = Arrays.copyOfRange(buf, from, len);
        for (int i = 0; i < offsets.length; i++) {
          offsets[i] -= from;
        }
        jsonStart = 0;
      }
      int jsonEnd = jsonStart + len - from;
      buf = null;
      String etag = etagOf(bytes, jsonStart, jsonEnd - jsonStart);
      if (previous != null && previous.count == count && previous.etag.equals(etag)) {
        return previous;
      }
      Gzipped gz = gzip(bytes, jsonStart, jsonEnd - jsonStart);
      return new UniverseDocument(
          bytes, jsonStart, jsonEnd, count, offsets, gz.bytes(), gz.length(), etag);
    }
  }

  private record Gzipped(byte[] bytes, int length) {}

  /** zlib's default level; see {@link #gzip}. */
  static final int GZIP_LEVEL = 6;

  /** A growable byte array whose buffer can be used without a copy. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  private static Gzipped gzip(byte[] raw, int off, int len) {
    Bytes out = new Bytes(Math.max(64, len / 4));
    // GZIPOutputStream writes MTIME = 0, so the bytes depend on the input alone. Level 6, not 9:
    // on the sorted list 9 took many times as long for no smaller output
    // (docs/PERFORMANCE.md#universe-snapshot).
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 64 * 1024) {
          {
            def.setLevel(GZIP_LEVEL);
          }
        }) {
      gz.write(raw, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.array();
    int n = out.size();
    return bytes.length - n > n / 8
        ? new Gzipped(Arrays.copyOf(bytes, n), n)
        : new Gzipped(bytes, n);
  }
}
