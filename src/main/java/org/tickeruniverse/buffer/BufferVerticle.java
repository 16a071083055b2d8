package org.tickeruniverse.buffer;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.privacy.ContributorKey;
import org.tickeruniverse.privacy.PrivacySecret;
import org.tickeruniverse.store.RedisDurability;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * The only writer of bucket keys. Serves {@link Addresses#BUFFER}: validates the tickers (the bus
 * is an edge too: siblings send here directly), adds them to the current bucket with its TTL, and
 * counts its contributor (a daily keyed 16-bit hash, in the bucket's HyperLogLog, in the same
 * script), and answers the number of distinct valid tickers — never how many were new to the
 * bucket, which would tell the caller whether somebody else uploaded the same ticker minutes ago.
 */
public final class BufferVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BufferVerticle.class);

  /**
   * Scripts in flight at once; requests arriving meanwhile coalesce into the next script. Two keeps
   * one script forming while another travels; more only makes scripts smaller, and every script
   * costs Redis (and this event loop) work of its own
   * (docs/PERFORMANCE.md#group-commit-with-two-scripts-in-flight).
   */
  private static final int MAX_IN_FLIGHT = 2;

  private final Clock clock;
  private Redis redis;
  private MessageConsumer<Object> consumer;
  private CoalescingBufferWriter writer;
  private int maxTickers;
  private final ServiceMetrics metrics;
  private ContributorKey contributorKey;

  private final ServiceConfig config;

  public BufferVerticle(ServiceConfig config) {
    this(config, Clock.systemUTC(), ServiceMetrics.fromVertxBackend());
  }

  public BufferVerticle(ServiceConfig config, Clock clock, ServiceMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    maxTickers = config.buffer().maxTickers();
    redis = Stores.redis(vertx, config.redis());
    Buckets buckets = config.buckets(clock);
    BufferScript script =
        new BufferScript(
            redis,
            config.buffer().ackReplicas(),
            config.buffer().ackTimeoutMillis(),
            metrics::bufferNotReplicated);
    int ttl = config.buffer().ttlSeconds();
    writer =
        new CoalescingBufferWriter(
            buckets::currentKey,
            (key, members, contributors) ->
                script.add(
                    key,
                    buckets.contributorsKeyOf(key),
                    ttl,
                    elements(contributors, buckets.utcDateOf(buckets.startOfKey(key))),
                    members),
            MAX_IN_FLIGHT,
            config.buffer().maxQueued(),
            metrics::bufferWrite,
            metrics::bufferRejected);
    // The key first: a request counted under another secret would count its caller twice.
    return PrivacySecret.load(vertx, redis, config, buckets)
        .compose(
            key -> {
              contributorKey = key;
              consumer = vertx.eventBus().consumer(Addresses.BUFFER, this::handle);
              return consumer.completion();
            })
        // Once per node, by the only writer of buckets; in the background.
        .onSuccess(v -> RedisDurability.warnIfNotPersistent(redis, LOG))
        // A start that failed is not stopped: its client is closed here.
        .onFailure(e -> redis.close());
  }

  /**
   * The HLL elements of a group's contributors in a bucket of UTC date {@code day}: the daily keyed
   * short hash of each (docs/DESIGN.md#contributors); null is the shared unknown contributor.
   */
  private List<String> elements(Collection<String> contributors, LocalDate day) {
    List<String> out = new ArrayList<>(contributors.size());
    for (String c : contributors) {
      out.add(c == null ? ContributorKey.UNKNOWN : contributorKey.element(c, day));
    }
    return out;
  }

  private void handle(Message<Object> msg) {
    Future<JsonObject> outcome;
    try {
      TickerBatch batch = TickerBatch.parse(Messages.rawTickers(msg.body()), maxTickers);
      // Trusted as sent (siblings on the bus are part of the deployment); hashed with the key of
      // the day of the bucket it lands in, when the write leaves: docs/DESIGN.md#contributors.
      String contributor = Messages.contributor(msg.body());
      outcome =
          batch.isEmpty()
              ? Future.succeededFuture(Messages.count(Messages.BUFFERED, 0))
              : writer
                  .add(batch.tickers(), contributor)
                  .map(
                      v -> {
                        metrics.buffered(batch.size());
                        return Messages.count(Messages.BUFFERED, batch.size());
                      });
    } catch (RuntimeException invalid) {
      outcome = Future.failedFuture(invalid);
    }
    Replies.reply(msg, outcome, LOG);
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> redis.close());
  }
}
