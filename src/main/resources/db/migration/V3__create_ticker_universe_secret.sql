-- Secrets the service generates once and every node shares, by name. The evictor keeps here the
-- random key that spreads each stale ticker's eviction over several days
-- (docs/DESIGN.md#evict): it must be the same on every node, and an evict-only node has MySQL
-- and nothing else. Not in ticker_universe: the universe's own columns stay the original's.
CREATE TABLE IF NOT EXISTS ticker_universe_secret (
  name   VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  secret VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
