package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
   *
   * <p>Each SCAN page runs inside a tiny Lua script whose one declared key is {@link #slotKey()},
   * a key of our prefix that is never created. That is what makes discovery work on Redis
   * Cluster, where a plain SCAN goes to whichever node the client picks and sees only that node's
   * keys: a script is routed by its keys, so every page is served by the node that owns the
   * prefix's hash slot — and with the hash-tagged prefix that Redis Cluster requires (checked in
   * the configuration) every bucket key, ours or another writer's, lives in that one slot, hence
   * on that one node, and the cursor stays valid because every page goes to the same node. On a
   * standalone server or behind Sentinel the script simply scans the one server.
   *
   * <p>Chosen over the alternatives: vertx-redis-client 5.0 cannot send a command to a node of
   * our choosing ({@code RedisCluster.onAllMasterNodes} sends one request per master but cannot
   * continue a per-node cursor), and an index set of bucket starts maintained by the buffer script
   * would be a second source of truth that a writer of the original format (the Python service
   * during a migration) does not maintain. While the slot itself is being migrated between nodes,
   * keys already moved are seen by a later run; their TTL (hours) outlasts that by far.
   */
  public Future<List<Long>> bucketStarts() {
    Promise<List<Long>> done = Promise.promise();
    scanFrom("0", new TreeSet<>(), done);
    return done.future();
  }

  /** One SCAN page, run on the node that owns the slot of KEYS[1]. */
  static final String SCAN_PAGE = "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])";

  /** The key a scan script declares: in the prefix's slot, never read nor written. */
  String slotKey() {
    return buckets.keyPrefix() + ":scan";
  }

  /** Each page is sent from the previous one's callback (no nesting of futures: see FlushJob). */
  private void scanFrom(String cursor, TreeSet<Long> found, Promise<List<Long>> done) {
    Request scan = Request.cmd(Command.EVAL).arg(SCAN_PAGE).arg(1).arg(slotKey())
        .arg(cursor).arg(buckets.scanPattern()).arg(SCAN_COUNT);
    redis.send(scan).onComplete(ar -> {
      try {
        Response reply = ar.result();
        if (ar.failed()) {
          done.fail(ar.cause());
          return;
        }
        String next = reply.get(0).toString();
        for (Response key : reply.get(1)) {
          buckets.parseKey(key.toString()).ifPresent(found::add);
        }
        if ("0".equals(next)) {
          done.complete(new ArrayList<>(found));
        } else {
          scanFrom(next, found, done);
        }
      } catch (RuntimeException unexpected) {
        done.tryFail(unexpected);
      }
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
