package org.tickeruniverse.testsupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.tickeruniverse.store.Migrations;

/**
 * The store set-up many ITs share: real servers, the schema migrated once, Redis and the universe
 * table emptied before each test, and the {@link #service} a test started closed after it.
 */
@RealServers
public abstract class StoreFixture {

  public static final String TABLE = "ticker_universe.ticker_universe";

  protected static RedisServer redis;
  protected static MariaDbServer mysql;

  protected ServiceHarness service;

  @BeforeAll
  static void migrate(RedisServer redisServer, MariaDbServer mariadb) {
    redis = redisServer;
    mysql = mariadb;
    Migrations.migrate(TestConfigs.forServers(redis, mysql).mysql());
  }

  @BeforeEach
  void emptyStores() {
    redis.flushAll();
    mysql.execute("DELETE FROM " + TABLE);
  }

  @AfterEach
  void closeService() {
    if (service != null) {
      service.close();
      service = null;
    }
  }
}
