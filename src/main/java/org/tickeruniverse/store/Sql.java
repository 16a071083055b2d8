package org.tickeruniverse.store;

/** The SQL text of every statement, in one place. Multi-row forms are generated per row count. */
final class Sql {

  static final String TABLE = "ticker_universe";

  static final String LIST = "SELECT yahoo_ticker FROM " + TABLE + " ORDER BY yahoo_ticker";

  static final String PING = "SELECT 1";

  /** Secrets generated once and shared by every node, by name (migration V3). */
  static final String SECRET_TABLE = "ticker_universe_secret";

  /** The name of the key that spreads evictions (docs/DESIGN.md#evict). */
  static final String EVICT_SPREAD_SECRET = "evict.spread";

  static final String SECRET_EXISTS = "SELECT COUNT(*) FROM " + SECRET_TABLE + " WHERE name = ?";

  /** The first node to create a secret wins; every other node's attempt changes nothing. */
  static final String SECRET_CREATE =
      "INSERT IGNORE INTO " + SECRET_TABLE + " (name, secret) VALUES (?, ?)";

  /** ORDER BY + LIMIT walks the age index from the oldest row, so each batch locks little. */
  static final String EVICT_BATCH =
      "DELETE FROM " + TABLE + " WHERE last_referenced_at < ? ORDER BY last_referenced_at LIMIT ?";

  /**
   * A row's eviction offset in whole days, {@code 0 ≤ offset < spreadDays}: the first 32 bits of
   * SHA-256(secret ‖ ticker) modulo the spread (MySQL 8 and MariaDB alike;
   * org.tickeruniverse.evict.EvictCutoffs#offsetDays is the same function in Java). The secret is
   * read by the statement itself, an uncorrelated subquery evaluated once, so it never travels over
   * the connection or into a statement log. Parameter: the spread in days.
   */
  static final String EVICT_OFFSET_DAYS =
      "(CONV(LEFT(SHA2(CONCAT((SELECT secret FROM "
          + SECRET_TABLE
          + " WHERE name = '"
          + EVICT_SPREAD_SECRET
          + "'), yahoo_ticker), 256), 8), 16, 10) % ?)";

  /**
   * The spread eviction batch: rows last referenced before {@code ttlCutoff − offset(ticker)} days.
   * Parameters: ttlCutoff, allCutoff (older rows go whatever their offset), ttlCutoff, spread days,
   * limit. The first conjunct alone bounds the range read from the age index, oldest first, as
   * {@link #EVICT_BATCH} does; the offset is computed only for rows between the two cut-offs.
   */
  static final String EVICT_SPREAD_BATCH =
      "DELETE FROM "
          + TABLE
          + " WHERE last_referenced_at < ? AND (last_referenced_at < ?"
          + " OR last_referenced_at < DATE_SUB(?, INTERVAL "
          + EVICT_OFFSET_DAYS
          + " DAY)) ORDER BY last_referenced_at LIMIT ?";

  private Sql() {}

  /** The rows that do not exist yet; affected rows = rows created. */
  static String insertIgnore(int n) {
    return "INSERT IGNORE INTO "
        + TABLE
        + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
        + placeholders(n, "(?, ?, ?)");
  }

  /**
   * {@code VALUES(col)} rather than MySQL 8's row alias: MariaDB rejects the alias form, and both
   * accept this one.
   */
  static String upsert(int n) {
    return "INSERT INTO "
        + TABLE
        + " (yahoo_ticker, first_seen_at, last_referenced_at) VALUES "
        + placeholders(n, "(?, ?, ?)")
        + " ON DUPLICATE KEY UPDATE last_referenced_at ="
        + " GREATEST(last_referenced_at, VALUES(last_referenced_at))";
  }

  static String refresh(int n) {
    return "UPDATE "
        + TABLE
        + " SET last_referenced_at = GREATEST(last_referenced_at, ?)"
        + " WHERE yahoo_ticker IN ("
        + placeholders(n, "?")
        + ")";
  }

  private static String placeholders(int n, String one) {
    StringBuilder sb = new StringBuilder(n * (one.length() + 2));
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(one);
    }
    return sb.toString();
  }
}
