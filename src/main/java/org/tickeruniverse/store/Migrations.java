package org.tickeruniverse.store;

import io.vertx.mysqlclient.MySQLConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.tickeruniverse.config.ServiceConfig;

/**
 * Applies the versioned schema in {@code db/migration} with Flyway before any verticle starts.
 * Flyway also creates the database named in the URL when it does not exist ({@code schemas} +
 * {@code createSchemas}), so a fresh server needs nothing run by hand.
 *
 * <p>Blocking (JDBC): called from {@code main} or a worker, never from an event loop.
 */
public final class Migrations {

  private Migrations() {}

  public static MigrateResult migrate(ServiceConfig.Mysql config) {
    MySQLConnectOptions options = Stores.mysqlConnectOptions(config);
    String jdbcUrl =
        "jdbc:mariadb://"
            + options.getHost()
            + ":"
            + options.getPort()
            + "/"
            + "?connectTimeout=5000&socketTimeout=60000";
    return Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .schemas(options.getDatabase())
        .defaultSchema(options.getDatabase())
        .createSchemas(true)
        // A database that already holds the original service's table has no history yet: start
        // the history below V1, so V1 (IF NOT EXISTS) adopts the table and V2 adds the index.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .locations("classpath:db/migration")
        .connectRetries(10)
        .connectRetriesInterval(1)
        .load()
        .migrate();
  }
}
