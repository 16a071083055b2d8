package org.tickeruniverse.buffer;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.bus.Replies;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.ops.ServiceMetrics;
import org.tickeruniverse.store.RedisDurability;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * The only writer of bucket keys. Serves {@link Addresses#BUFFER}: validates the tickers (the bus
 * is an edge too: siblings send here directly), adds them to the current bucket with its TTL, and
 * answers the number of distinct valid tickers — never how many were new to the bucket, which
 * would tell the caller whether somebody else uploaded the same ticker minutes ago.
 */
public final class BufferVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BufferVerticle.class);

  /**
   * Scripts in flight at once; requests arriving meanwhile coalesce into the next script. Two
   * keeps one script forming while another travels; more only makes scripts smaller, and every
   * script costs Redis (and this event loop) work of its own: bench W1 on 2 cores gave 47-48k
   * req/s with 4, 50.6k with 2, 51.9k with 1.
   */
  private static final int MAX_IN_FLIGHT = 2;

  private final Clock clock;
  private Redis redis;
  private MessageConsumer<Object> consumer;
  private CoalescingBufferWriter writer;
  private int maxTickers;
  private ServiceMetrics metrics;

  public BufferVerticle() {
    this(Clock.systemUTC());
  }

  public BufferVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    ServiceConfig config = ServiceConfig.fromJson(config());
    maxTickers = config.buffer().maxTickers();
    metrics = ServiceMetrics.get();
    redis = Stores.redis(vertx, config.redis());
    Buckets buckets = new Buckets(config.buffer().keyPrefix(), config.buffer().bucketSeconds(),
        config.flush().graceSeconds(), clock);
    BufferScript script = new BufferScript(redis);
    int ttl = config.buffer().ttlSeconds();
    writer = new CoalescingBufferWriter(buckets::currentKey,
        (key, members) -> script.add(key, ttl, members), MAX_IN_FLIGHT, config.buffer().maxQueued(),
        metrics::bufferWrite, metrics::bufferRejected);
    consumer = vertx.eventBus().consumer(Addresses.BUFFER, this::handle);
    // Once per node, by the only writer of buckets; in the background: Redis may be down now.
    return consumer.completion().onSuccess(v -> RedisDurability.warnIfNotPersistent(redis, LOG));
  }

  private void handle(Message<Object> msg) {
    Future<JsonObject> outcome;
    try {
      TickerBatch batch = TickerBatch.parse(Messages.rawTickers(msg.body()), maxTickers);
      outcome = batch.isEmpty()
          ? Future.succeededFuture(Messages.count(Messages.BUFFERED, 0))
          : writer.add(batch.tickers()).map(v -> {
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
    return consumer.unregister().eventually(() -> redis.close());
  }
}
