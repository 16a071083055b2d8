package org.tickeruniverse.store;

/** The SQL text of every statement, in one place. Multi-row forms are generated per row count. */
final class Sql {

  static final String TABLE = "ticker_universe";

  /** Keyset pagination of the whole table (UniverseRepository#listAfter). */
  static final String LIST_FIRST =
      "SELECT yahoo_ticker FROM " + TABLE + " ORDER BY yahoo_ticker LIMIT ?";

  static final String LIST_AFTER =
      "SELECT yahoo_ticker FROM " + TABLE + " WHERE yahoo_ticker > ? ORDER BY yahoo_ticker LIMIT ?";

  static final String COUNT = "SELECT COUNT(*) FROM " + TABLE;

  /** Which of a chunk's tickers exist (the capacity path of UniverseRepository#insertOrBump). */
  static String existing(int n) {
    return "SELECT yahoo_ticker FROM "
        + TABLE
        + " WHERE yahoo_ticker IN ("
        + placeholders(n, "?")
        + ")";
  }

  static final String PING = "SELECT 1";

  /** ORDER BY + LIMIT walks the age index from the oldest row, so each batch locks little. */
  static final String EVICT_BATCH =
      "DELETE FROM " + TABLE + " WHERE last_referenced_at < ? ORDER BY last_referenced_at LIMIT ?";

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
