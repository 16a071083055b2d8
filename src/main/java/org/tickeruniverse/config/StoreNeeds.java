package org.tickeruniverse.config;

/**
 * Which stores a node's verticles use: the one place that {@code Node}, {@code Main}'s migration,
 * readiness and the store watch ask (docs/DESIGN.md, "Roles and the stores they need").
 *
 * @param redis the buffer writes buckets and the flush reads them
 * @param mysql the flush, the eviction and the universe snapshot read or write the table
 * @param mysqlGatesReadiness MySQL is a readiness check: not on a node whose HTTP edge serves the
 *     universe from its own snapshot, which keeps answering while MySQL is away
 */
public record StoreNeeds(boolean redis, boolean mysql, boolean mysqlGatesReadiness) {

  public static StoreNeeds of(ServiceConfig.Node node) {
    boolean flush = node.runs(VerticleName.FLUSH);
    boolean evict = node.runs(VerticleName.EVICT);
    boolean universe = node.runs(VerticleName.UNIVERSE);
    return new StoreNeeds(
        node.runs(VerticleName.BUFFER) || flush,
        flush || evict || universe,
        flush || evict || (universe && !node.runs(VerticleName.HTTP)));
  }

  /** Whether the node uses a store at all (and so runs the store watch and a migration check). */
  public boolean any() {
    return redis || mysql;
  }
}
