package org.tickeruniverse.it;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.tickeruniverse.bucket.Buckets;
import org.tickeruniverse.bus.FlushCounts;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.flush.FlushJob;
import org.tickeruniverse.flush.PublicationRule;
import org.tickeruniverse.metrics.ServiceMetrics;
import org.tickeruniverse.privacy.StampPrecision;
import org.tickeruniverse.store.BucketStore;
import org.tickeruniverse.store.Stores;
import org.tickeruniverse.store.UniverseRepository;
import org.tickeruniverse.testsupport.ServiceHarness;

/** A flush job with its own clients and no lease: what a second node would run. */
final class FlushRunner {

  private FlushRunner() {}

  static Future<FlushCounts> run(ServiceHarness service) {
    ServiceConfig c = service.config();
    Redis redis = Stores.redis(service.vertx(), c.redis());
    Pool pool =
        io.vertx.mysqlclient.MySQLBuilder.pool()
            .connectingTo(Stores.mysqlConnectOptions(c.mysql()))
            .using(service.vertx())
            .build();
    Buckets buckets = c.buckets(service.clock());
    FlushJob job =
        new FlushJob(
            new BucketStore(redis, buckets),
            new UniverseRepository(
                pool,
                c.mysql().queryTimeoutMillis(),
                StampPrecision.of(c.privacy().stampPrecision())),
            buckets,
            c.flush().chunkSize(),
            new PublicationRule(
                c.privacy().minContributors(),
                c.privacy().minContributorsAfterHold(),
                c.privacy().maxHoldSeconds(),
                c.buffer().bucketSeconds()),
            c.buffer().ttlSeconds(),
            ServiceMetrics.detached(),
            Future::succeededFuture);
    return job.run().eventually(() -> redis.close()).eventually(() -> pool.close());
  }
}
