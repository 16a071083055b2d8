package org.tickeruniverse.role;

import java.util.Collection;

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

  public static StoreNeeds of(Collection<VerticleName> runs) {
    boolean flush = runs.contains(VerticleName.FLUSH);
    boolean evict = runs.contains(VerticleName.EVICT);
    boolean universe = runs.contains(VerticleName.UNIVERSE);
    return new StoreNeeds(
        runs.contains(VerticleName.BUFFER) || flush,
        flush || evict || universe,
        flush || evict || (universe && !runs.contains(VerticleName.HTTP)));
  }

  /** Whether the node uses a store at all (and so runs the store watch and a migration check). */
  public boolean any() {
    return redis || mysql;
  }
}
