package org.tickeruniverse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ServiceConfig;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.TestConfigs;

@RealServers
class MigrationsIT {

  @Test
  void createsTheDatabaseAndTheTableOfTheSpecAndIsIdempotent(
      RedisServer redis, MariaDbServer mysql) {
    ServiceConfig config =
        TestConfigs.forServers(
            redis, mysql, "--mysql.url=" + mysql.url().replace("/ticker_universe", "/fresh_db"));
    assertThat(Migrations.migrate(config.mysql()).migrationsExecuted).isEqualTo(3);
    assertThat(Migrations.migrate(config.mysql()).migrationsExecuted).as("second start").isZero();

    List<List<String>> columns =
        mysql.query(
            "SELECT column_name, column_type, is_nullable, IFNULL(collation_name, '-')"
                + " FROM information_schema.columns WHERE table_schema = 'fresh_db' AND table_name = 'ticker_universe'"
                + " ORDER BY ordinal_position");
    assertThat(columns)
        .containsExactly(
            List.of("yahoo_ticker", "varchar(32)", "NO", "utf8mb4_bin"),
            List.of("currency", "varchar(8)", "YES", "utf8mb4_bin"),
            List.of("first_seen_at", "datetime(6)", "NO", "-"),
            List.of("last_referenced_at", "datetime(6)", "NO", "-"));
    List<List<String>> indexes =
        mysql.query(
            "SELECT index_name, column_name, non_unique FROM information_schema.statistics"
                + " WHERE table_schema = 'fresh_db' AND table_name = 'ticker_universe' ORDER BY index_name");
    assertThat(indexes)
        .containsExactlyInAnyOrder(
            List.of("PRIMARY", "yahoo_ticker", "0"),
            List.of("idx_ticker_universe_last_referenced_at", "last_referenced_at", "1"));
    assertThat(
            mysql
                .query(
                    "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'fresh_db'"
                        + " AND table_name = 'ticker_universe' AND extra LIKE '%auto_increment%'")
                .get(0))
        .containsExactly("0");
    assertThat(
            mysql.query(
                "SELECT column_name, column_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_schema = 'fresh_db' AND table_name = 'ticker_universe_secret'"
                    + " ORDER BY ordinal_position"))
        .as("V3: the shared secrets (the eviction spread's key)")
        .containsExactly(
            List.of("name", "varchar(64)", "NO"), List.of("secret", "varchar(128)", "NO"));
  }

  @Test
  void adoptsATableCreatedByTheOriginalService(RedisServer redis, MariaDbServer mysql) {
    mysql.execute("CREATE DATABASE legacy");
    mysql.execute(
        "CREATE TABLE legacy.ticker_universe (yahoo_ticker VARCHAR(32) COLLATE utf8mb4_bin PRIMARY KEY,"
            + " currency VARCHAR(8) NULL, first_seen_at DATETIME(6) NOT NULL, last_referenced_at DATETIME(6) NOT NULL)");
    mysql.execute(
        "INSERT INTO legacy.ticker_universe VALUES ('AAPL', NULL, '2026-01-01', '2026-01-01')");
    ServiceConfig config =
        TestConfigs.forServers(
            redis, mysql, "--mysql.url=" + mysql.url().replace("/ticker_universe", "/legacy"));
    Migrations.migrate(config.mysql());
    assertThat(mysql.query("SELECT yahoo_ticker FROM legacy.ticker_universe"))
        .containsExactly(List.of("AAPL"));
    assertThat(
            mysql
                .query(
                    "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = 'legacy'"
                        + " AND index_name = 'idx_ticker_universe_last_referenced_at'")
                .get(0))
        .containsExactly("1");
  }
}
