package org.tickeruniverse.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.privacy.ContributorKey;

/**
 * The flush's reads and removals of bucket keys in Redis: the Redis implementation of {@link
 * BucketBuffer}. Writes into buckets belong to the BufferVerticle alone; this class only discovers,
 * reads and removes what was flushed.
 */
public final class BucketStore implements BucketBuffer {

  private static final int SCAN_COUNT = 1000;

  private final Redis redis;
  private final Buckets buckets;

  public BucketStore(Redis redis, Buckets buckets) {
    this.redis = redis;
    this.buckets = buckets;
  }

  /**
   * Starts of every bucket key of our prefix that exists now, ascending, found with SCAN (never
   * KEYS, which blocks the server). Keys written by another writer of the same format match too.
   *
   * <p>Each SCAN page runs inside a tiny Lua script whose one declared key is {@link #slotKey()}, a
   * key of our prefix that is never created. That is what makes discovery work on Redis Cluster,
   * where a plain SCAN goes to whichever node the client picks and sees only that node's keys: a
   * script is routed by its keys, so every page is served by the node that owns the prefix's hash
   * slot — and with the hash-tagged prefix that Redis Cluster requires (checked in the
   * configuration) every bucket key, ours or another writer's, lives in that one slot, hence on
   * that one node, and the cursor stays valid because every page goes to the same node. On a
   * standalone server or behind Sentinel the script simply scans the one server.
   *
   * <p>Chosen over the alternatives: vertx-redis-client 5.0 cannot send a command to a node of our
   * choosing ({@code RedisCluster.onAllMasterNodes} sends one request per master but cannot
   * continue a per-node cursor), and an index set of bucket starts maintained by the buffer script
   * would be a second source of truth that a writer of the original format (the Python service
   * during a migration) does not maintain. While the slot itself is being migrated between nodes,
   * keys already moved are seen by a later run; their TTL (hours) outlasts that by far.
   */
  @Override
  public Future<List<Long>> bucketStarts() {
    Promise<List<Long>> done = Promise.promise();
    scanFrom("0", new TreeSet<>(), done);
    return done.future();
  }

  /** One SCAN page, run on the node that owns the slot of KEYS[1]. */
  static final String SCAN_PAGE =
      "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])";

  /** The key a scan script declares: in the prefix's slot, never read nor written. */
  String slotKey() {
    return buckets.keyPrefix() + ":scan";
  }

  /** Each page is sent from the previous one's callback (no nesting of futures: see FlushJob). */
  private void scanFrom(String cursor, TreeSet<Long> found, Promise<List<Long>> done) {
    Request scan =
        Request.cmd(Command.EVAL)
            .arg(SCAN_PAGE)
            .arg(1)
            .arg(slotKey())
            .arg(cursor)
            .arg(buckets.scanPattern())
            .arg(SCAN_COUNT);
    redis
        .send(scan)
        .onComplete(
            ar -> {
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
  @Override
  public Future<Page> members(String key, String cursor, int count) {
    Request sscan = Request.cmd(Command.SSCAN).arg(key).arg(cursor).arg("COUNT").arg(count);
    return redis
        .send(sscan)
        .map(
            reply -> {
              Response items = reply.get(1);
              List<String> members = new ArrayList<>(items.size());
              for (Response m : items) {
                members.add(m.toString());
              }
              return new Page(reply.get(0).toString(), members);
            });
  }

  /**
   * SREM of these members and, when that leaves the set empty, DEL of the bucket's contributors
   * HLL, in one script: a node that dies after the last SREM can no longer leave the record behind
   * to be counted with a late write into the drained bucket (docs/DESIGN.md#ports-and-fakes). Both
   * keys carry the prefix, so on Redis Cluster (hash-tagged prefix) they share one slot, as the
   * buffer script's keys do. A late write re-creates set and record together (BufferScript), so a
   * record is dropped only while its set is really gone. A script, not MULTI or a second call: only
   * a script can test the set's size between the SREM and the DEL, with no gap for a crash.
   */
  @Override
  public Future<Long> remove(long start, List<String> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    Request eval =
        Request.cmd(Command.EVAL)
            .arg(REMOVE_AND_DROP_IF_EMPTY)
            .arg(2)
            .arg(buckets.key(start))
            .arg(buckets.contributorsKey(start));
    members.forEach(eval::arg);
    return redis.send(eval).map(Response::toLong);
  }

  /**
   * KEYS: the set, its contributors HLL. ARGV: the members. SREM in slices of 1000, below Lua's
   * limit on unpack() (a call may carry several chunks of up to 10 000 members each).
   */
  static final String REMOVE_AND_DROP_IF_EMPTY =
      """
      local removed = 0
      for i = 1, #ARGV, 1000 do
        removed = removed + redis.call('SREM', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
      end
      if redis.call('SCARD', KEYS[1]) == 0 then
        redis.call('DEL', KEYS[2])
      end
      return removed
      """;

  /**
   * Counts the publication pool and keeps it alive, in one atomic script over keys that share the
   * prefix's slot (so it runs on Redis Cluster too; every key it touches is declared, one scratch
   * key per UTC day of the pool among them).
   *
   * <p>Contributors are keyed per UTC day ({@link ContributorKey#element}): the same person has
   * unrelated elements on two days, so merging HLLs across a day boundary would count them twice.
   * The count is therefore taken per day and the largest day wins: element i is the maximum over
   * days d of PFCOUNT(merge of the HLLs of buckets 0..i whose date is d). It never counts one
   * person twice; a pool whose contributors each came on another day counts fewer than there were
   * (the safe side). A bucket without an HLL (another writer's) adds the one shared "unknown"
   * contributor to its day. Every bucket's set and HLL get their TTL again, so a held bucket never
   * expires while the flush runs (docs/DESIGN.md#the-pool-and-when-it-is-published). The scratch
   * keys are deleted before the script ends.
   */
  @Override
  public Future<long[]> poolContributors(List<Long> starts, int ttlSeconds) {
    if (starts.isEmpty()) {
      return Future.succeededFuture(new long[0]);
    }
    List<LocalDate> days = new ArrayList<>();
    int[] dayOf = new int[starts.size()];
    for (int i = 0; i < starts.size(); i++) {
      LocalDate day = buckets.utcDateOf(starts.get(i));
      int at = days.indexOf(day);
      if (at < 0) {
        days.add(day);
        at = days.size() - 1;
      }
      dayOf[i] = at + 1; // a Lua index into KEYS
    }
    Request eval = Request.cmd(Command.EVAL).arg(POOL_COUNT).arg(days.size() + 2 * starts.size());
    for (LocalDate day : days) {
      eval.arg(buckets.poolScratchKey(day));
    }
    for (long start : starts) {
      eval.arg(buckets.key(start)).arg(buckets.contributorsKey(start));
    }
    eval.arg(ttlSeconds).arg(ContributorKey.UNKNOWN).arg(days.size());
    for (int d : dayOf) {
      eval.arg(d);
    }
    return redis
        .send(eval)
        .map(
            reply -> {
              long[] counts = new long[reply.size()];
              for (int i = 0; i < counts.length; i++) {
                counts[i] = reply.get(i).toLong();
              }
              return counts;
            });
  }

  /**
   * KEYS: the D day scratch keys, then per bucket (oldest first) its set and its HLL. ARGV: TTL,
   * the unknown element, D, then per bucket the index (1..D) of its day's scratch key. Only the
   * current bucket's day changes its count at each step, so a running maximum is the maximum over
   * days.
   */
  static final String POOL_COUNT =
      """
      local d = tonumber(ARGV[3])
      for j = 1, d do
        redis.call('DEL', KEYS[j])
      end
      local out = {}
      local best = 0
      local b = 0
      for i = d + 1, #KEYS, 2 do
        b = b + 1
        local scratch = KEYS[tonumber(ARGV[3 + b])]
        if redis.call('EXISTS', KEYS[i + 1]) == 1 then
          redis.call('PFMERGE', scratch, KEYS[i + 1])
          redis.call('EXPIRE', KEYS[i + 1], ARGV[1])
        else
          redis.call('PFADD', scratch, ARGV[2])
        end
        redis.call('EXPIRE', KEYS[i], ARGV[1])
        local c = redis.call('PFCOUNT', scratch)
        if c > best then
          best = c
        end
        out[#out + 1] = best
      end
      for j = 1, d do
        redis.call('DEL', KEYS[j])
      end
      return out
      """;

  @Override
  public Future<Long> size(String key) {
    return redis.send(Request.cmd(Command.SCARD).arg(key)).map(Response::toLong);
  }
}
