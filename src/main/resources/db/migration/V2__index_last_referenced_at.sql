-- Eviction deletes by age in bounded batches; without this index each batch would scan the
-- table and hold locks for as long. A separate migration so that a table adopted from the
-- original service gains the index too.
CREATE INDEX IF NOT EXISTS idx_ticker_universe_last_referenced_at
  ON ticker_universe (last_referenced_at);
