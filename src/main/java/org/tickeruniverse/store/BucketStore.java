package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tickeruniverse.bucket.Buckets;

/**
 * The flush's reads and removals of bucket keys in Redis. Writes into buckets belong to the
 * BufferVerticle alone; this class only discovers, reads and removes what was flushed.
 */
public final class BucketStore {

  private static final int SCAN_COUNT = 1000;

  private final Redis redis;
  private final Buckets buckets;

  public BucketStore(Redis redis, Buckets buckets) {
    this.redis = redis;
    this.buckets = buckets;
  }

  /** One page of a set's members and the cursor to continue from ("0" when done). */
  public record Page(String cursor, List<String> members) {
    public boolean last() {
      return "0".equals(cursor);
    }
  }

  /**
   * Starts of every bucket key of our prefix that exists now, ascending, found with SCAN (never
   * KEYS, which blocks the server). Keys written by another writer of the same format match too.
   */
  public Future<List<Long>> bucketStarts() {
    return scanFrom("0", new TreeSet<>()).map(ArrayList::new);
  }

  private Future<TreeSet<Long>> scanFrom(String cursor, TreeSet<Long> found) {
    Request scan = Request.cmd(Command.SCAN).arg(cursor)
        .arg("MATCH").arg(buckets.scanPattern())
        .arg("COUNT").arg(SCAN_COUNT);
    return redis.send(scan).compose(reply -> {
      String next = reply.get(0).toString();
      for (Response key : reply.get(1)) {
        buckets.parseKey(key.toString()).ifPresent(found::add);
      }
      return "0".equals(next) ? Future.succeededFuture(found) : scanFrom(next, found);
    });
  }

  /** One SSCAN page of at most about {@code count} members (Redis treats COUNT as a hint). */
  public Future<Page> members(String key, String cursor, int count) {
    Request sscan = Request.cmd(Command.SSCAN).arg(key).arg(cursor).arg("COUNT").arg(count);
    return redis.send(sscan).map(reply -> {
      Response items = reply.get(1);
      List<String> members = new ArrayList<>(items.size());
      for (Response m : items) {
        members.add(m.toString());
      }
      return new Page(reply.get(0).toString(), members);
    });
  }

  /** Removes exactly these members (never the key: late writes into it must survive). */
  public Future<Long> remove(String key, List<String> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    Request srem = Request.cmd(Command.SREM).arg(key);
    members.forEach(srem::arg);
    return redis.send(srem).map(Response::toLong);
  }

  public Future<Long> size(String key) {
    return redis.send(Request.cmd(Command.SCARD).arg(key)).map(Response::toLong);
  }
}
