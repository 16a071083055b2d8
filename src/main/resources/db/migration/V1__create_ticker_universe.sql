-- The anonymous ticker universe (SPEC §3). No auto-increment id: an id would record the order
-- in which tickers arrived inside a bucket. IF NOT EXISTS so that a table created by the
-- original Python service is adopted as it is.
CREATE TABLE IF NOT EXISTS ticker_universe (
  yahoo_ticker       VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  currency           VARCHAR(8) NULL,
  first_seen_at      DATETIME(6) NOT NULL COMMENT 'UTC, quantised to a bucket boundary',
  last_referenced_at DATETIME(6) NOT NULL COMMENT 'UTC, quantised to a bucket boundary',
  PRIMARY KEY (yahoo_ticker)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
